namespace QueryTags.SignalR;

/// <summary>A tag read from untrusted input, or the rule the input broke.</summary>
internal readonly record struct TagReadResult(Tag? Tag, TagRejectionReason? Rejection)
{
    public static TagReadResult Fail(string rule, string? detail = null) =>
        new(null, new TagRejectionReason(rule, detail is null ? TagRules.Describe(rule) : $"{TagRules.Describe(rule)}: {detail}"));
}
