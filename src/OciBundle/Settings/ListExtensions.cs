namespace OciBundle.Settings;

internal static class ListExtensions
{
    /// <summary>Puts <paramref name="value"/> where the first match is (dropping later matches), or at the end.</summary>
    public static void ReplaceOrAdd<T>(this List<T> list, Predicate<T> match, T value)
    {
        var index = list.FindIndex(match);
        if (index < 0)
        {
            list.Add(value);
            return;
        }

        list[index] = value;
        for (var i = list.Count - 1; i > index; i--)
        {
            if (match(list[i]))
            {
                list.RemoveAt(i);
            }
        }
    }
}
