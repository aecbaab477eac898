namespace QueryTags.SignalR.Internal;

internal static partial class HubLog
{
    [LoggerMessage(1, LogLevel.Debug, "Published invalidation {Id} of {TagCount} tag(s) to {GroupCount} group(s) at {Cursor}.", EventName = nameof(InvalidationPublished))] public static partial void InvalidationPublished(ILogger logger, string id, int tagCount, int groupCount, string cursor);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} subscribed {Accepted} tag(s), {Rejected} rejected; it holds {Held}.", EventName = nameof(Subscribed))] public static partial void Subscribed(ILogger logger, string connectionId, int accepted, int rejected, int held);

    [LoggerMessage(3, LogLevel.Information, "Connection {ConnectionId} sent tag {Tag} that breaks rule {Rule}: {Reason}", EventName = nameof(TagRejected))] public static partial void TagRejected(ILogger logger, string connectionId, string tag, string rule, string reason);

    [LoggerMessage(4, LogLevel.Debug, "Connection {ConnectionId} subscribed with cursor {Cursor}: reset required.", EventName = nameof(ResetAnswered))] public static partial void ResetAnswered(ILogger logger, string connectionId, string cursor);

    [LoggerMessage(5, LogLevel.Debug, "Connection {ConnectionId} subscribed with cursor {Cursor}: {Missed} tag(s) missed.", EventName = nameof(MissedAnswered))] public static partial void MissedAnswered(ILogger logger, string connectionId, string cursor, int missed);

    [LoggerMessage(6, LogLevel.Debug, "Connection {ConnectionId} released {Released} tag(s); it holds {Held}.", EventName = nameof(Unsubscribed))] public static partial void Unsubscribed(ILogger logger, string connectionId, int released, int held);

    [LoggerMessage(7, LogLevel.Warning, "Connection {ConnectionId} could not join its tag groups; the subscribe was undone.", EventName = nameof(GroupJoinFailed))] public static partial void GroupJoinFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(8, LogLevel.Error, "Deciding whether connection {ConnectionId} may hold {Tag} under the rule {Pattern} threw; the tag is refused.", EventName = nameof(AuthorizationFailed))] public static partial void AuthorizationFailed(ILogger logger, string connectionId, string tag, string pattern, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "A connection from the origin {Origin} to {Path} was refused: it is neither this server's origin nor an allowed one.", EventName = nameof(OriginRefused))] public static partial void OriginRefused(ILogger logger, string origin, string path);

    [LoggerMessage(22, LogLevel.Debug, "Connection {ConnectionId} may not hold {Tag}: the rule {Pattern} asks for a claim '{ClaimType}' equal to the tag's segment, and the user has none that is. The user's claim types: {ClaimTypes}.", EventName = nameof(PlaceholderUnmatched))] public static partial void PlaceholderUnmatched(ILogger logger, string connectionId, string tag, string pattern, string claimType, string claimTypes);

    [LoggerMessage(23, LogLevel.Information, "A {Method} request to {Path} named a connection that another identity opened (or, after a sign-out, the same browser without its credentials); it was answered as for an unknown connection.", EventName = nameof(ConnectionRequestRefused))] public static partial void ConnectionRequestRefused(ILogger logger, string method, string path);

    [LoggerMessage(24, LogLevel.Information, "Closed {Count} hub connection(s) of a user on this node; the clients reconnect with the credentials they now have.", EventName = nameof(UserConnectionsClosed))] public static partial void UserConnectionsClosed(ILogger logger, int count);
}
