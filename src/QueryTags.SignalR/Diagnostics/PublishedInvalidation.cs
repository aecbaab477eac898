namespace QueryTags.SignalR.Internal;

/// <summary>One invalidation this node sent, as the diagnostics endpoint shows it.</summary>
/// <param name="Id">The invalidation's id, as its clients receive it.</param>
/// <param name="At">When it was handed to SignalR.</param>
/// <param name="Tags">How many distinct tags it invalidated.</param>
/// <param name="Groups">How many prefix groups it was sent to (one send each).</param>
/// <param name="LocalDeliveries">
/// Copies sent to this node's connections: the connections in each target group, summed (a connection in two target
/// groups gets two copies). Connections of other nodes are not counted.
/// </param>
/// <param name="Bytes">The copies' size in the JSON protocol, summed over the groups.</param>
/// <param name="Resent">Sent again because its first sends were never confirmed.</param>
internal sealed record PublishedInvalidation(string Id, DateTimeOffset At, int Tags, int Groups, long LocalDeliveries, long Bytes, bool Resent);
