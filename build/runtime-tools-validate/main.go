// runtime-tools-validate runs the checks of runtime-tools' validate package (the code behind
// `oci-runtime-tool validate`) on runc bundles, as a second opinion beside our own tests. Debian
// ships the package's source but not the command, so this small main drives it; build it with
// build/validate-runtime-tools.sh (offline, GOPATH mode).
//
//	runtime-tools-validate -schema DIR BUNDLE...
//
// Each BUNDLE is a folder with config.json and the rootfs it names. It prints one verdict line per
// bundle, then the findings. Seven known quirks of runtime-tools are handled here, each narrowly
// (docs/reliability.md says why):
//
//  1. It accepts only its own spec version ("1.0.2-dev"). A config declaring a valid SemVer from
//     1.0.2 on is checked as that version; the version itself is checked here instead.
//  2. Its schema check downloads the schema of the declared version from GitHub. The config file
//     (its bytes, not runtime-tools' re-encoding, which drops fields it does not know) is checked
//     against the local runtime-spec schema given with -schema instead.
//  3. It looks for process.apparmorProfile as a file inside the rootfs (rootfs/etc/apparmor.d).
//     Profiles live on the host; only that exact "file not found" finding is dropped.
//  4. With host-specific checks it refuses mount type "none", which is not in /proc/filesystems;
//     runc treats "none" with a bind or rbind option as a bind. Such mounts are checked as "bind".
//  5. With host-specific checks it looks for hook programs on this machine, and crashes (nil
//     pointer) when one is missing. Hooks run on the machine that runs the bundle, not the one that
//     built it: hooks are checked without host-specific checks (absolute path, env form).
//  6. It reports the SHOULD rule on annotation keys (reverse domain notation) as an error. The
//     build warns about it (OCIB1085); here it is a note, not a failure. The MUST NOT on the
//     org.opencontainers namespace stays a failure.
//  7. Its device check wants both numbers above 0 for b, c and u devices; the runtime spec and runc
//     accept 0 (minor 0 is common: /dev/tty is 5:0). Only that finding, for such a device, is dropped.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"path/filepath"
	"strings"

	"github.com/blang/semver"
	multierror "github.com/hashicorp/go-multierror"
	rspec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/specerror"
	"github.com/opencontainers/runtime-tools/validate"
	"github.com/sirupsen/logrus"
	"github.com/xeipuuv/gojsonschema"
)

func main() {
	schemaDir := flag.String("schema", "", "folder holding config-schema.json (the runtime-spec schema)")
	hostSpecific := flag.Bool("host-specific", true, "also check against this host (capabilities, mount types, devices)")
	flag.Parse()
	if *schemaDir == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: runtime-tools-validate -schema DIR BUNDLE...")
		os.Exit(2)
	}
	logrus.SetLevel(logrus.ErrorLevel) // its warnings ("executable not available yet") are not verdicts

	schemaPath, err := filepath.Abs(filepath.Join(*schemaDir, "config-schema.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	schema := gojsonschema.NewReferenceLoader("file://" + schemaPath)

	failed := 0
	for _, bundle := range flag.Args() {
		findings, notes := check(bundle, schema, *hostSpecific)
		verdict := "OK"
		if len(findings) > 0 {
			verdict = "INVALID"
			failed++
		}
		fmt.Printf("runtime-tools validate %s: %s\n", filepath.Base(bundle), verdict)
		for _, note := range notes {
			fmt.Printf("  quirk handled: %s\n", note)
		}
		for _, finding := range findings {
			fmt.Printf("  %s\n", finding)
		}
	}
	if failed > 0 {
		fmt.Printf("runtime-tools validate: %d of %d bundles INVALID\n", failed, flag.NArg())
		os.Exit(1)
	}
	fmt.Printf("runtime-tools validate: all %d bundles OK\n", flag.NArg())
}

func check(bundle string, schema gojsonschema.JSONLoader, hostSpecific bool) (findings []string, notes []string) {
	content, err := ioutil.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		return []string{err.Error()}, nil
	}

	// Quirk 2: the schema, locally, on the file as written.
	result, err := gojsonschema.Validate(schema, gojsonschema.NewBytesLoader(content))
	if err != nil {
		return []string{"schema: " + err.Error()}, nil
	}
	for _, e := range result.Errors() {
		findings = append(findings, "schema: "+e.String())
	}

	var spec rspec.Spec
	if err := json.Unmarshal(content, &spec); err != nil {
		return append(findings, err.Error()), nil
	}

	// Quirk 1: the declared version, checked here; runtime-tools then sees its own.
	declared := spec.Version
	if version, err := semver.Parse(declared); err != nil {
		findings = append(findings, fmt.Sprintf("ociVersion %q is not valid SemVer: %v", declared, err))
	} else if version.LT(semver.Version{Major: 1, Minor: 0, Patch: 2}) {
		findings = append(findings, fmt.Sprintf("ociVersion %q is older than 1.0.2", declared))
	} else if declared != rspec.Version {
		notes = append(notes, fmt.Sprintf("ociVersion %s checked as runtime-tools' %s", declared, rspec.Version))
		spec.Version = rspec.Version
	}

	// Quirk 4: "none" with bind or rbind is a bind mount to runc.
	if hostSpecific {
		for i, m := range spec.Mounts {
			if m.Type == "none" && hasBindOption(m.Options) {
				spec.Mounts[i].Type = "bind"
				notes = append(notes, fmt.Sprintf("mount %s of type none with a bind option checked as bind", m.Destination))
			}
		}
	}

	v, err := validate.NewValidator(&spec, bundle, hostSpecific, "linux")
	if err != nil {
		return append(findings, err.Error()), notes
	}

	// Every check of CheckAll except CheckJSONSchema (quirk 2).
	checkHooks := func() error {
		// Quirk 5: hook programs belong to the machine that runs the bundle.
		v.HostSpecific = false
		defer func() { v.HostSpecific = hostSpecific }()
		return v.CheckHooks()
	}
	checks := []func() error{
		v.CheckPlatform, v.CheckRoot, v.CheckMandatoryFields, v.CheckSemVer, v.CheckMounts,
		v.CheckProcess, v.CheckLinux, v.CheckAnnotations, checkHooks,
	}
	apparmorFile := ""
	if spec.Process != nil && spec.Process.ApparmorProfile != "" && spec.Root != nil {
		apparmorFile = filepath.Join(bundle, spec.Root.Path, "/etc/apparmor.d", spec.Process.ApparmorProfile)
	}
	for _, run := range checks {
		for _, e := range flatten(run()) {
			// Quirk 3: only the "no such profile file in the rootfs" finding.
			var pathError *os.PathError
			if apparmorFile != "" && errors.As(e, &pathError) && pathError.Path == apparmorFile && os.IsNotExist(pathError) {
				notes = append(notes, fmt.Sprintf("AppArmor profile %q not looked for inside the rootfs", spec.Process.ApparmorProfile))
				continue
			}
			// Quirk 6: a SHOULD, reported by the build as a warning.
			var rfcError *specerror.Error
			if errors.As(e, &rfcError) && rfcError.Code == specerror.AnnotationsKeyReversedDomain {
				notes = append(notes, "SHOULD, not MUST (the build warns, OCIB1085): "+strings.SplitN(e.Error(), "\n", 2)[0])
				continue
			}
			// Quirk 7: its deviceValid wants both numbers above 0 for b, c and u devices; the runtime
			// spec and runc take 0 (minor 0 is common: /dev/tty is 5:0, /dev/sda 8:0).
			if zeroNumbered(&spec, e.Error()) {
				notes = append(notes, "device number 0 accepted (the runtime spec and runc allow it): "+e.Error())
				continue
			}
			findings = append(findings, e.Error())
		}
	}
	return findings, notes
}

func hasBindOption(options []string) bool {
	for _, o := range options {
		if o == "bind" || o == "rbind" {
			return true
		}
	}
	return false
}

// zeroNumbered: is message runtime-tools' "device {PATH TYPE MAJOR MINOR …} is invalid" for a b, c
// or u device of the spec with a major or minor of 0, and nothing else wrong with it?
func zeroNumbered(spec *rspec.Spec, message string) bool {
	if spec.Linux == nil || !strings.HasSuffix(message, "} is invalid") {
		return false
	}
	for _, d := range spec.Linux.Devices {
		prefix := fmt.Sprintf("device {%s %s %d %d ", d.Path, d.Type, d.Major, d.Minor)
		if strings.HasPrefix(message, prefix) && (d.Type == "b" || d.Type == "c" || d.Type == "u") && d.Major >= 0 && d.Minor >= 0 && (d.Major == 0 || d.Minor == 0) {
			return true
		}
	}
	return false
}

// flatten turns runtime-tools' nested multierrors into single findings.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	var multi *multierror.Error
	if errors.As(err, &multi) {
		var all []error
		for _, e := range multi.Errors {
			all = append(all, flatten(e)...)
		}
		return all
	}
	if strings.TrimSpace(err.Error()) == "" {
		return nil
	}
	return []error{err}
}
