namespace OciBundle.Validation;

/// <summary>The one ELF header field the checks need: e_machine, the architecture a program is built for.</summary>
public static class Elf
{
    private const int MachineOffset = 18; // after e_ident (16 bytes) and e_type (2 bytes)

    public static bool TryReadMachine(ReadOnlySpan<byte> head, out int machine)
    {
        machine = 0;
        if (head.Length < MachineOffset + 2 || !head.StartsWith("\u007fELF"u8))
        {
            return false;
        }

        // e_ident[EI_DATA]: 1 little-endian, 2 big-endian (s390x, some ppc and mips).
        machine = head[5] == 2
            ? (head[MachineOffset] << 8) | head[MachineOffset + 1]
            : head[MachineOffset] | (head[MachineOffset + 1] << 8);
        return true;
    }
}
