namespace QueryTags.SignalR.Internal;

/// <summary>One rule of <see cref="TagAuthorizationOptions"/>: its pattern, and what else it asks beyond the pattern's claims.</summary>
internal sealed record TagAuthorizationRule(TagPattern Pattern, string? PolicyName, Func<TagAuthorizationContext, ValueTask<bool>>? Handler);
