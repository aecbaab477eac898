using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>SignalR's group manager as a record of joins and leaves; it can be told to fail joins, as a backplane that is down does.</summary>
internal sealed class RecordingGroupManager : IGroupManager
{
    private readonly Lock _gate = new();

    public List<string> Joined { get; } = [];

    public List<string> Left { get; } = [];

    public Exception? FailJoinsWith { get; set; }

    public Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (FailJoinsWith is { } failure)
        {
            return Task.FromException(failure);
        }

        lock (_gate)
        {
            Joined.Add(groupName);
        }

        return Task.CompletedTask;
    }

    public Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Left.Add(groupName);
        }

        return Task.CompletedTask;
    }
}
