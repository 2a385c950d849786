using OciBundle.Diagnostics;
using OciBundle.Request;

namespace OciBundle.Settings;

/// <summary>
/// Spots a project giving the same mount destination, namespace, device or rlimit twice. Replacing
/// one of the SDK's defaults, or an entry of its plugin config, is how a project changes it; two
/// of the project's own is a mistake.
/// </summary>
public sealed class DuplicateItems(RequestReader reader, string itemType)
{
    private readonly Dictionary<string, RequestItem> _seen = new(StringComparer.Ordinal);

    public void Check(RequestItem item, string key)
    {
        if (item.IsDefault || item.IsImported)
        {
            return;
        }

        if (_seen.TryGetValue(key, out var first))
        {
            var where = first.Location is { Line: > 0 } l ? $"line {l.Line}" : "an earlier item";
            reader.Diagnostics.Error(Messages.DuplicateItem, item.Location, itemType, key, where);
            return;
        }

        _seen[key] = item;
    }
}
