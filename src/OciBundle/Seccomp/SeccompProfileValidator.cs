using System.Text.Json;
using OciBundle.Diagnostics;
using OciBundle.Spec;

namespace OciBundle.Seccomp;

/// <summary>
/// Checks a parsed profile against what runc accepts and what rendering needs: every action,
/// architecture, operator and flag in the runtime-spec's lists (OCIB1041–OCIB1045), capability
/// names that exist (OCIB1046), and the required fields present (OCIB3042). Errors point at the
/// line in the profile file.
/// </summary>
public static class SeccompProfileValidator
{
    /// <summary>True when the profile has no error; every problem found is reported, not just the first.</summary>
    public static bool Check(SeccompProfileDocument profile, SeccompProfileSource source, Action<Diagnostic> report)
    {
        var check = new Checker(source, report);
        check.Profile(profile);
        return !check.Failed;
    }

    private sealed class Checker(SeccompProfileSource source, Action<Diagnostic> report)
    {
        public bool Failed { get; private set; }

        public void Profile(SeccompProfileDocument profile)
        {
            var root = JsonPath.Root;
            Unknown(profile.Unknown, root, "defaultAction, defaultErrnoRet, flags, listenerPath, listenerMetadata, architectures, archMap, syscalls, comment");
            if (profile.DefaultAction is null)
            {
                Malformed(root, "it has no defaultAction (the action for every system call no rule names), such as SCMP_ACT_ERRNO");
            }
            else
            {
                Action(profile.DefaultAction, root.Property("defaultAction"));
            }

            if (profile.Architectures is not null && profile.ArchMap is not null)
            {
                Malformed(root.Property("archMap"), "it has both architectures and archMap; keep one (archMap to have the architectures chosen for OciTargetArchitecture)");
            }

            Each(profile.Architectures, root.Property("architectures"), Architecture);
            Each(profile.ArchMap, root.Property("archMap"), ArchMapEntry);
            Each(profile.Flags, root.Property("flags"), Flag);
            Each(profile.Syscalls, root.Property("syscalls"), Syscall);
        }

        private void ArchMapEntry(ProfileArchMapEntry entry, JsonPath path)
        {
            Unknown(entry.Unknown, path, "architecture, subArchitectures");
            if (entry.Architecture is null)
            {
                Malformed(path, $"{path} has no architecture");
            }
            else
            {
                Architecture(entry.Architecture, path.Property("architecture"));
            }

            Each(entry.SubArchitectures, path.Property("subArchitectures"), Architecture);
        }

        private void Syscall(ProfileSyscall rule, JsonPath path)
        {
            Unknown(rule.Unknown, path, "names, action, errnoRet, args, comment, includes, excludes");
            if (rule.Names is not { Count: > 0 } || rule.Names.Any(string.IsNullOrWhiteSpace))
            {
                Malformed(path, $"{path} has no names, or an empty one; list the system calls the rule is for, such as [\"read\", \"write\"]");
            }

            if (rule.Action is null)
            {
                Malformed(path, $"{path} has no action, such as SCMP_ACT_ALLOW");
            }
            else
            {
                Action(rule.Action, path.Property("action"));
            }

            Each(rule.Args, path.Property("args"), Argument);
            Condition(rule.Includes, path.Property("includes"));
            Condition(rule.Excludes, path.Property("excludes"));
        }

        private void Argument(ProfileArg arg, JsonPath path)
        {
            Unknown(arg.Unknown, path, "index, value, valueTwo, op");
            if (arg.Index >= SeccompVocabulary.ArgumentCount)
            {
                Malformed(path.Property("index"), $"{path} has index {arg.Index}, but system call arguments are numbered 0 to {SeccompVocabulary.ArgumentCount - 1}");
            }

            if (arg.Op is null)
            {
                Malformed(path, $"{path} has no op, such as SCMP_CMP_EQ");
            }
            else if (!SeccompVocabulary.Operators.Contains(arg.Op))
            {
                Error(Messages.UnknownSeccompOperator, path.Property("op"), arg.Op, path.Property("op"));
            }
        }

        private void Condition(ProfileCondition? condition, JsonPath path)
        {
            if (condition is null)
            {
                return;
            }

            Unknown(condition.Unknown, path, "caps, arches, minKernel");
            Each(condition.Caps, path.Property("caps"), (cap, capPath) =>
            {
                if (!LinuxCapabilities.TryCanonicalize(cap, out _))
                {
                    Error(Messages.UnknownSeccompCapability, capPath, cap, capPath);
                }
            });
        }

        private void Action(string action, JsonPath path)
        {
            if (!SeccompVocabulary.Actions.Contains(action))
            {
                Error(Messages.UnknownSeccompAction, path, action, path, NearestName.Hint(action, SeccompVocabulary.Actions));
            }
        }

        private void Architecture(string architecture, JsonPath path)
        {
            if (!SeccompVocabulary.Architectures.Contains(architecture))
            {
                Error(Messages.UnknownSeccompArchitecture, path, architecture, path, string.Join(", ", SeccompVocabulary.Architectures));
            }
        }

        private void Flag(string flag, JsonPath path)
        {
            if (!SeccompVocabulary.Flags.Contains(flag))
            {
                Error(Messages.UnknownSeccompFlag, path, flag, path);
            }
        }

        private void Unknown(Dictionary<string, JsonElement>? unknown, JsonPath path, string accepted)
        {
            foreach (var name in unknown?.Keys ?? Enumerable.Empty<string>())
            {
                var where = path.Segments.Count == 0 ? "" : $" in {path}";
                Malformed(path.Property(name), $"it has the unknown field '{name}'{where} (accepted there: {accepted}; names are case-sensitive)");
            }
        }

        private void Each<T>(List<T>? list, JsonPath path, Action<T, JsonPath> check)
        {
            for (var i = 0; i < (list?.Count ?? 0); i++)
            {
                if (list![i] is null)
                {
                    Malformed(path.Index(i), $"{path.Index(i)} is null");
                    continue;
                }

                check(list[i], path.Index(i));
            }
        }

        private void Malformed(JsonPath at, string reason) => Error(Messages.SeccompProfileMalformed, at, reason);

        /// <summary>Reports a catalogue text whose first argument is the profile as the project named it.</summary>
        private void Error(string catalogueText, JsonPath at, params object?[] args)
        {
            Failed = true;
            report(Diagnostic.Error(catalogueText, source.Locate(at), [source.ShownName, .. args]));
        }
    }
}
