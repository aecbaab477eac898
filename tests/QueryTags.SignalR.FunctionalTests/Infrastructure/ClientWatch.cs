using Microsoft.AspNetCore.SignalR.Client;
using QueryTags.SignalR.Client;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>
/// What a test watches on a <see cref="TagInvalidationClient"/> whose connection comes back as another user: every
/// invalidation on the wire (before the client matches it), the client's rejections, and the reconnect.
/// </summary>
public sealed class ClientWatch
{
    private readonly TaskCompletionSource _reconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClientWatch(TagInvalidationClient client)
    {
        client.Connection.On<InvalidationMessage>(InvalidationHubMethods.Invalidate, message => Wire.Record(null, message));
        client.Rejected += Rejected.Record;
        client.Connection.Reconnected += _ =>
        {
            _reconnected.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public EventRecorder<InvalidationMessage> Wire { get; } = new();

    public EventRecorder<TagsRejectedEventArgs> Rejected { get; } = new();

    /// <summary>Completes when the connection has reconnected.</summary>
    public Task Reconnected => _reconnected.Task;
}
