// plugin-server is a test peer, not part of the product: the smallest process that lets Docker
// enable a test plugin. It serves Docker's plugin protocol (HTTP over a unix stream socket in
// /run/docker/plugins) well enough for `docker plugin enable`: /Plugin.Activate names what it
// implements, and every other call gets an empty JSON object (no volumes, default capabilities).
//
// Before serving it writes what it was started with (args, then the environment) to
// $FIXTURE_REPORT when that is set, so a test can see what Docker passed after `docker plugin set`.
//
// Built by the end-to-end tests with CGO_ENABLED=0 (a static binary for a rootfs without a C library).
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	socket := os.Getenv("FIXTURE_SOCKET")
	if socket == "" {
		socket = "plugin.sock"
	}
	implements := os.Getenv("FIXTURE_IMPLEMENTS")
	if implements == "" {
		implements = "VolumeDriver"
	}

	if report := os.Getenv("FIXTURE_REPORT"); report != "" {
		text := "args=" + strings.Join(os.Args[1:], " ") + "\n" + strings.Join(os.Environ(), "\n") + "\n"
		if err := os.WriteFile(report, []byte(text), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "plugin-server: cannot write the report:", err)
			os.Exit(1)
		}
	}

	path := filepath.Join("/run/docker/plugins", socket)
	os.Remove(path)
	listener, err := net.Listen("unix", path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin-server:", err)
		os.Exit(1)
	}

	activate := fmt.Sprintf(`{"Implements":["%s"]}`, strings.Join(strings.Split(implements, ","), `","`))
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.docker.plugins.v1+json")
		if r.URL.Path == "/Plugin.Activate" {
			fmt.Fprint(w, activate)
			return
		}
		fmt.Fprint(w, "{}")
	})
	fmt.Println("plugin-server: listening on", path)
	if err := http.Serve(listener, handler); err != nil {
		fmt.Fprintln(os.Stderr, "plugin-server:", err)
		os.Exit(1)
	}
}
