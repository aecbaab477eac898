namespace QueryTags.SignalR;

/// <summary>A tag read from untrusted input, or the rule the input broke with the reason, a sentence for people.</summary>
/// <param name="Tag">The tag, or null when the input was refused.</param>
/// <param name="Rule">The rule's stable name (see <see cref="TagRules"/>) when the input was refused.</param>
/// <param name="Reason">What was wrong, starting with the rule's sentence, when the input was refused.</param>
internal readonly record struct TagReadResult(Tag? Tag, string? Rule, string? Reason)
{
    public static TagReadResult Fail(string rule, string? detail = null) =>
        new(null, rule, detail is null ? TagRules.Describe(rule) : $"{TagRules.Describe(rule)}: {detail}");

    /// <summary>The one sentence a reader's error gives for refused input: <c>Not a tag: {input}: {reason} ({rule}).</c></summary>
    /// <param name="input">The input as text, when the reader has it.</param>
    public string NotATag(string? input = null) =>
        input is null ? $"Not a tag: {Reason} ({Rule})." : $"Not a tag: {input}: {Reason} ({Rule}).";
}
