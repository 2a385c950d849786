// Prints what the process sees, one fact a line: its arguments, environment and user.
using System.Runtime.InteropServices;

var greeting = Environment.GetEnvironmentVariable("GREETING") ?? "Hello";
Console.WriteLine($"{greeting}, {string.Join(' ', args)}!");
foreach (var arg in args)
{
    Console.WriteLine($"arg={arg}");
}

Console.WriteLine($"cwd={Environment.CurrentDirectory}");
Console.WriteLine($"uid={Native.getuid()} gid={Native.getgid()}");
Console.WriteLine($"runtime={RuntimeInformation.FrameworkDescription} {RuntimeInformation.RuntimeIdentifier}");
foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Order(StringComparer.Ordinal))
{
    Console.WriteLine($"env:{name}={Environment.GetEnvironmentVariable(name)}");
}

internal static class Native
{
    [DllImport("libc")]
    internal static extern uint getuid();

    [DllImport("libc")]
    internal static extern uint getgid();
}
