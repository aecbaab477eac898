using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Joins a connection to the prefix groups a subscribe needs, within <see cref="TagInvalidationOptions.GroupJoinTimeout"/>,
/// and rolls back when it cannot: every group the call asked for that the connection's state does not need is left
/// once its join has settled, so a join that succeeded late does not keep the connection in a group it does not hold.
/// </summary>
internal sealed class TagGroupJoins(TimeSpan timeout, TimeProvider time, LoggingThrottle loggingThrottle, ILogger logger)
{
    /// <summary>True when every join succeeded in time; false when the subscribe must fail (the leaving is under way).</summary>
    /// <remarks>The caller holds the connection's gate; the leaving takes it after the caller released it.</remarks>
    public async Task<bool> JoinAsync(HubCallerContext context, IGroupManager groups, ConnectionSubscriptions state, List<string> names)
    {
        if (names.Count == 0)
        {
            return true;
        }

        var joins = new Task[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            joins[i] = Start(groups.AddToGroupAsync, context.ConnectionId, names[i], context.ConnectionAborted);
        }

        var all = Task.WhenAll(joins);
        try
        {
            await all.WaitAsync(timeout, time, context.ConnectionAborted);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.ConnectionAborted.IsCancellationRequested)
        {
            if (loggingThrottle.Allows(logger, LogLevel.Warning))
            {
                HubLog.GroupJoinFailed(logger, context.ConnectionId, ex);
            }

            _ = LeaveAfterJoinsAsync(context.ConnectionId, groups, state, names, all);
            return false;
        }
    }

    private async Task LeaveAfterJoinsAsync(string connectionId, IGroupManager groups, ConnectionSubscriptions state, List<string> names, Task joins)
    {
        try
        {
            await joins;
        }
        catch (Exception)
        {
            // Each join that failed may still have left the connection in its group on this node: leave them all.
        }

        await state.Gate.WaitAsync();
        try
        {
            var leaves = names
                .Where(name => !state.InGroup(TagPrefixes.Named(name)))
                .Select(name => Start(groups.RemoveFromGroupAsync, connectionId, name, CancellationToken.None));
            await Task.WhenAll(leaves).WaitAsync(timeout, time);
        }
        catch (Exception ex)
        {
            if (loggingThrottle.Allows(logger, LogLevel.Warning))
            {
                HubLog.GroupJoinFailed(logger, connectionId, ex);
            }
        }
        finally
        {
            state.Gate.Release();
        }
    }

    // A group manager that throws instead of returning a failed task is treated alike.
    private static Task Start(Func<string, string, CancellationToken, Task> operation, string connectionId, string group, CancellationToken cancellationToken)
    {
        try
        {
            return operation(connectionId, group, cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }
}
