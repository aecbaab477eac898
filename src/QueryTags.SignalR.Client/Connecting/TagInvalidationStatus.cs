namespace QueryTags.SignalR.Client;

/// <summary>
/// Where a client's connection stands, the TypeScript client's <c>status</c>. <see cref="Failed"/> when it stopped
/// trying (see <see cref="TagInvalidationStatusChangedEventArgs.Error"/>); a new
/// <see cref="TagInvalidationClient.StartAsync"/> tries again.
/// </summary>
public enum TagInvalidationStatus
{
    /// <summary>Not started, or stopped.</summary>
    Disconnected,

    /// <summary>A start is trying to connect (retrying as the reconnect policy says).</summary>
    Connecting,

    /// <summary>Connected: invalidations arrive.</summary>
    Connected,

    /// <summary>The connection was lost and the automatic reconnect is trying to restore it; invalidations may be missed, and are reported when it is back.</summary>
    Reconnecting,

    /// <summary>The client stopped trying: a failure retrying cannot fix, or a reconnect policy that gave up.</summary>
    Failed,
}
