using System.Text;

namespace OciBundle.Settings;

/// <summary>
/// Splits a metadata value into arguments the way a shell splits a simple command line, without
/// any expansion: whitespace separates arguments, double quotes group (and may make an empty
/// argument, ""), and inside quotes \" and \\ stand for " and \. Everything else is literal.
/// </summary>
public static class CommandLine
{
    /// <summary>The arguments, or null when a double quote is not closed.</summary>
    public static List<string>? Split(string text)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        var inArgument = false;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
                {
                    current.Append(text[++i]);
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inArgument)
                {
                    result.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }
            }
            else
            {
                inArgument = true;
                if (c == '"')
                {
                    quoted = true;
                }
                else
                {
                    current.Append(c);
                }
            }
        }

        if (quoted)
        {
            return null;
        }

        if (inArgument)
        {
            result.Add(current.ToString());
        }

        return result;
    }
}
