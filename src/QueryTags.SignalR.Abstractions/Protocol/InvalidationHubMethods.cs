namespace QueryTags.SignalR;

/// <summary>The method names of the invalidation hub's wire contract, shared by servers and clients.</summary>
public static class InvalidationHubMethods
{
    /// <summary>Client → server: <c>Subscribe(tags, cursor)</c> returning a <see cref="SubscribeResult"/>.</summary>
    public const string Subscribe = nameof(Subscribe);

    /// <summary>Client → server: <c>Unsubscribe(tags)</c>.</summary>
    public const string Unsubscribe = nameof(Unsubscribe);

    /// <summary>Server → client: one <see cref="InvalidationMessage"/>.</summary>
    public const string Invalidate = "invalidate";

    /// <summary>Server → client: one <see cref="ResetMessage"/>.</summary>
    public const string Reset = "reset";
}
