namespace QueryTags.SignalR.Internal;

/// <summary>
/// The rule for an id a publisher chooses: short, and made of characters that need no escaping in a log line, a
/// header or a trace attribute, so a caller's mistake (a whole row, a user's text) is refused before it is sent.
/// </summary>
internal static class InvalidationIds
{
    public const int MaxLength = 128;

    public static void Check(string id, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(id, parameterName);
        if (id.Length is 0 or > MaxLength)
        {
            throw new ArgumentException($"An invalidation id has 1 to {MaxLength} characters; this one has {id.Length}. Nothing was sent.", parameterName);
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                throw new ArgumentException($"An invalidation id is made of letters, digits and - _ . : only; this one has '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c)}'. Nothing was sent.", parameterName);
            }
        }
    }
}
