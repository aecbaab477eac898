using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>SignalR's group manager as a record of joins and leaves; it can be told to fail joins, as a backplane that is down does.</summary>
internal sealed class RecordingGroupManager : IGroupManager
{
    private readonly Lock _gate = new();

    public List<string> Joined { get; } = [];

    public List<string> Left { get; } = [];

    public Exception? FailJoinsWith { get; set; }

    /// <summary>Joins of the groups this names fail; the others succeed.</summary>
    public Func<string, bool>? FailJoinOf { get; set; }

    /// <summary>Joins wait for this task before they complete (and are recorded), as over a backplane that is down.</summary>
    public Task? HoldJoinsUntil { get; set; }

    public Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (FailJoinsWith is { } failure)
        {
            return Task.FromException(failure);
        }

        if (FailJoinOf?.Invoke(groupName) == true)
        {
            return Task.FromException(new InvalidOperationException($"joining {groupName} failed"));
        }

        if (HoldJoinsUntil is { } hold)
        {
            return JoinLaterAsync(hold, groupName);
        }

        Record(groupName);
        return Task.CompletedTask;
    }

    private async Task JoinLaterAsync(Task hold, string groupName)
    {
        await hold;
        Record(groupName);
    }

    private void Record(string groupName)
    {
        lock (_gate)
        {
            Joined.Add(groupName);
        }
    }

    /// <summary>The groups left so far, in a copy safe to read while a background cleanup still runs.</summary>
    public IReadOnlyList<string> LeftSoFar
    {
        get
        {
            lock (_gate)
            {
                return [.. Left];
            }
        }
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
