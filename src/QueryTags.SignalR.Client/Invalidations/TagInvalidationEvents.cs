namespace QueryTags.SignalR.Client;

/// <summary>An invalidation that matched tags this client holds. Raised once per invalidation id and tag.</summary>
/// <param name="Message">The invalidation as the server sent it.</param>
/// <param name="MatchedTags">The held tags it matches: what to refetch.</param>
public sealed record TagsInvalidatedEventArgs(InvalidationMessage Message, IReadOnlyList<Tag> MatchedTags);

/// <summary>Held tags invalidated while the client was away (or while its subscribe was in flight).</summary>
/// <param name="MissedTags">The held tags to refetch.</param>
/// <param name="Cursor">The cursor the client now holds.</param>
public sealed record MissedInvalidationsEventArgs(IReadOnlyList<Tag> MissedTags, InvalidationCursor? Cursor);

/// <summary>The server cannot tell what was missed: refetch everything that is tagged.</summary>
/// <param name="Reason">Why: the server's reason from a <c>reset</c> event, or <c>cursor-unknown</c> when a subscribe answered reset.</param>
/// <param name="Cursor">The cursor the client now holds.</param>
public sealed record ResetRequiredEventArgs(string Reason, InvalidationCursor? Cursor)
{
    /// <summary>
    /// The window the server asked its clients to spread their refetches over (the wire field <c>spread</c>, cut to
    /// 0–60 s), so they do not all hit the app in the same second; zero for at once. The client does not delay the
    /// event: an app refetches what it shows early in the window and the rest over it.
    /// </summary>
    public TimeSpan Spread { get; init; }
}

/// <summary>Tags the server refused; the client holds them no longer.</summary>
/// <param name="Rejections">Each refused tag with its index in the call, the tag as sent, its rule and the reason.</param>
public sealed record TagsRejectedEventArgs(IReadOnlyList<TagRejection> Rejections);

/// <summary>The client stopped trying to connect: a failure retrying cannot fix, or a retry policy that gave up.</summary>
/// <param name="Error">What failed, with its <see cref="TagInvalidationConnectionException.Failure"/> and <see cref="TagInvalidationConnectionException.Hint"/>.</param>
public sealed record TagInvalidationFailedEventArgs(TagInvalidationConnectionException Error);

/// <summary>Something went wrong without stopping the client.</summary>
/// <param name="Error">
/// What went wrong: a hub call that failed while connected, or a <see cref="TagInvalidationConnectionException"/> of
/// failure <see cref="TagInvalidationFailure.Unreachable"/>.
/// </param>
public sealed record TagInvalidationErrorEventArgs(Exception Error);

/// <summary>Where the client's connection stands now, and why when it stopped trying.</summary>
/// <param name="Status">The new status.</param>
/// <param name="Error">
/// What made the status <see cref="TagInvalidationStatus.Failed"/>; or, while <see cref="TagInvalidationStatus.Connecting"/>,
/// why a start keeps failing (failure <see cref="TagInvalidationFailure.Unreachable"/>); null otherwise.
/// </param>
public sealed record TagInvalidationStatusChangedEventArgs(TagInvalidationStatus Status, TagInvalidationConnectionException? Error);

/// <summary>
/// The held tags that invalidations matched during one <see cref="TagInvalidationClientOptions.CoalesceWindow"/>: what to
/// refetch, each tag once however often it was invalidated.
/// </summary>
/// <param name="MatchedTags">The held tags matched, each once.</param>
/// <param name="Ids">The invalidation ids gathered, in the order they arrived.</param>
public sealed record CoalescedInvalidationsEventArgs(IReadOnlyList<Tag> MatchedTags, IReadOnlyList<string> Ids);
