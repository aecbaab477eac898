using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Internal;

/// <summary>What <see cref="InvalidationHub"/> does: checks tags, joins and leaves prefix groups, answers cursors.</summary>
internal sealed class TagSubscriptionService(
    IOptions<TagInvalidationOptions> options,
    TagAdmission admission,
    InvalidationLog log,
    TagInvalidationMetrics metrics,
    LocalConnections localConnections,
    LocalUserConnections userConnections,
    TimeProvider time,
    LoggingThrottle loggingThrottle,
    ILogger<InvalidationHub> logger)
{
    private readonly TagInvalidationOptions _options = options.Value;
    private readonly TagLimits _limits = options.Value.Limits;

    public void Connected(HubCallerContext context)
    {
        localConnections.Add(context.ConnectionId, new ConnectionSubscriptions(_options.MaxGroupDepth)
        {
            Lifetime = context.Features.Get<IConnectionLifetimeNotificationFeature>(),
        });
        userConnections.Opened(context);
        metrics.ConnectionOpened();
    }

    public void Disconnected(HubCallerContext context)
    {
        // SignalR removes a closed connection from its groups itself; only our own records need settling.
        if (localConnections.Remove(context.ConnectionId, out var subscriptions))
        {
            metrics.TagsHeldChanged(-subscriptions.Count);
        }

        userConnections.Closed(context);
        metrics.ConnectionClosed();
    }

    public Task<SubscribeResult> SubscribeAsync(HubCallerContext context, IGroupManager groups, TagsArgument? tags, string? cursor) =>
        tags?.NotAList is { } what
            ? Task.FromException<SubscribeResult>(NotAList(context, nameof(InvalidationHub.Subscribe), what))
            : SubscribeAsync(context, groups, tags?.Items, cursor);

    public Task UnsubscribeAsync(HubCallerContext context, IGroupManager groups, TagsArgument? tags) =>
        tags?.NotAList is { } what
            ? Task.FromException(NotAList(context, nameof(InvalidationHub.Unsubscribe), what))
            : UnsubscribeAsync(context, groups, tags?.Items);

    public async Task<SubscribeResult> SubscribeAsync(HubCallerContext context, IGroupManager groups, object?[]? tags, string? cursor)
    {
        using var activity = TagInvalidationActivities.Source.StartActivity("querytags.subscribe");
        activity?.SetTag("querytags.connection.id", context.ConnectionId);
        try
        {
            var result = await SubscribeCoreAsync(context, groups, tags, cursor);
            activity?.SetTag("querytags.tags.accepted", tags!.Length - result.Rejected.Count);
            activity?.SetTag("querytags.tags.rejected", result.Rejected.Count);
            return result;
        }
        catch (Exception ex)
        {
            TagInvalidationActivities.Failed(activity, ex);
            throw;
        }
    }

    private async Task<SubscribeResult> SubscribeCoreAsync(HubCallerContext context, IGroupManager groups, object?[]? tags, string? cursor)
    {
        CheckCallSize(context, nameof(InvalidationHub.Subscribe), tags);
        InvalidationCursor? since = null;
        TimeSpan? age = null;
        if (InvalidationCursor.TryParseAge(cursor, out var window))
        {
            age = window;
        }
        else if (cursor is not null)
        {
            since = InvalidationCursor.TryParse(cursor, out var parsed)
                ? parsed
                : throw Refuse(context, nameof(InvalidationHub.Subscribe), $"the cursor '{Shorten(cursor)}' is neither 'epoch:sequence' nor 'age:milliseconds'; send null when you have none.");
        }

        var state = State(context);
        AdmittedTags admitted;
        await state.Gate.WaitAsync(context.ConnectionAborted);
        try
        {
            await ThrottleAsync(context, state, nameof(InvalidationHub.Subscribe), tags.Length);
            admitted = await admission.AdmitAsync(tags, context, state);
            foreach (var rejection in admitted.Rejected)
            {
                if (loggingThrottle.Allows(logger, LogLevel.Information))
                {
                    HubLog.TagRejected(logger, context.ConnectionId, rejection.Tag, rejection.Rule, rejection.Reason);
                }
            }

            if (!await JoinAsync(context, groups, state, admitted.GroupsToJoin))
            {
                admitted.Undo(state);
                throw new HubException("Subscribe: the server could not join the tag groups (is its backplane down?); nothing was subscribed, try again.");
            }

            metrics.TagsHeldChanged(admitted.NewlyHeld.Count);
            HubLog.Subscribed(logger, context.ConnectionId, admitted.Accepted.Count, admitted.Rejected.Count, state.Count);
        }
        finally
        {
            state.Gate.Release();
        }

        metrics.TagsRejected(admitted.Rejected.Count);
        InvalidationReplay replay;
        using var replaying = TagInvalidationActivities.Source.StartActivity("querytags.replay");
        replaying?.SetTag("querytags.cursor", cursor);
        try
        {
            replay = await log.ReplayAsync(admitted.Accepted, since, age, context.ConnectionAborted);
            replaying?.SetTag("querytags.reset", replay.Reset);
            replaying?.SetTag("querytags.missed.count", replay.Missed.Count);
        }
        catch (InvalidationLogUnavailableException ex)
        {
            TagInvalidationActivities.Failed(replaying, ex);
            // The tags stay held and their groups joined: live invalidations reach them once the log is back.
            throw new HubException("Subscribe: the invalidation log is unreachable, so what was missed cannot be told; the tags are held, subscribe again with the same cursor shortly.");
        }

        if (cursor is { } asked)
        {
            if (replay.Reset)
            {
                HubLog.ResetAnswered(logger, context.ConnectionId, asked);
            }
            else
            {
                HubLog.MissedAnswered(logger, context.ConnectionId, asked, replay.Missed.Count);
            }
        }

        return new SubscribeResult
        {
            Cursor = replay.Current,
            Reset = replay.Reset,
            Missed = replay.Missed,
            Rejected = admitted.Rejected,
        };
    }

    public async Task UnsubscribeAsync(HubCallerContext context, IGroupManager groups, object?[]? tags)
    {
        CheckCallSize(context, nameof(InvalidationHub.Unsubscribe), tags);
        var release = new List<Tag>(tags.Length);
        for (var i = 0; i < tags.Length; i++)
        {
            var read = TagReader.Read(tags[i], _limits);
            if (read.Tag is not { } tag)
            {
                // A tag that breaks a rule was never held; refusing the call keeps "nothing changed" simple to reason about.
                throw Refuse(context, nameof(InvalidationHub.Unsubscribe), $"tag {i} {RawTagText.Render(tags[i])} breaks rule {read.Rule}: {read.Reason}; nothing was released.");
            }

            release.Add(tag);
        }

        var state = State(context);
        var groupsToLeave = new List<string>();
        await state.Gate.WaitAsync(context.ConnectionAborted);
        try
        {
            await ThrottleAsync(context, state, nameof(InvalidationHub.Unsubscribe), tags.Length);
            var released = 0;
            foreach (var tag in release)
            {
                released += state.Release(tag, groupsToLeave) ? 1 : 0;
            }

            metrics.TagsHeldChanged(-released);
            await Task.WhenAll(groupsToLeave.Select(group => groups.RemoveFromGroupAsync(context.ConnectionId, group, context.ConnectionAborted)));
            HubLog.Unsubscribed(logger, context.ConnectionId, released, state.Count);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private void CheckCallSize(HubCallerContext context, string method, [System.Diagnostics.CodeAnalysis.NotNull] object?[]? tags)
    {
        if (tags is null)
        {
            throw Refuse(context, method, "the tags argument is null; send a list of tags (an empty list is fine).");
        }

        if (tags.Length > _options.MaxTagsPerCall)
        {
            throw Refuse(context, method, $"{TagRules.Broken($"{tags.Length} tags in one call", TagRules.TooManyTagsPerCall, $"at most {_options.MaxTagsPerCall}")}; split the call. Nothing was changed.");
        }
    }

    private HubException NotAList(HubCallerContext context, string method, string what) =>
        Refuse(context, method, $"the tags argument is {what}, not a list of tags; send a list such as [[\"todo\", 5]] (an empty list is fine).");

    private HubException Refuse(HubCallerContext context, string method, string reason)
    {
        if (loggingThrottle.Allows(logger, LogLevel.Information))
        {
            HubLimitsLog.CallRefused(logger, context.ConnectionId, method, reason);
        }

        return ClientMistake.Refusal($"{method}: {reason}");
    }

    // Calls beyond the connection's rate wait their turn: SignalR runs one call of a connection at a time, so the
    // connection's later messages wait in its receive buffer meanwhile, and a client that floods the hub slows itself.
    private async Task ThrottleAsync(HubCallerContext context, ConnectionSubscriptions state, string method, int tags)
    {
        var wait = state.Rate.Take(tags, time.GetTimestamp(), time, _options.MaxCallsPerSecond, _options.MaxTagsPerSecond);
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        metrics.CallThrottled();
        if (loggingThrottle.Allows(logger, LogLevel.Debug))
        {
            HubLimitsLog.CallThrottled(logger, context.ConnectionId, (long)wait.TotalMilliseconds, method, _options.MaxCallsPerSecond, _options.MaxTagsPerSecond);
        }

        await Task.Delay(wait, time, context.ConnectionAborted);
    }

    // Joins every group, within the join timeout. When a join fails or takes too long, the subscribe fails, and every
    // group this call asked for that the connection's state does not need is left once its join has settled, so a
    // join that succeeded late does not keep the connection in a group it does not hold.
    private async Task<bool> JoinAsync(HubCallerContext context, IGroupManager groups, ConnectionSubscriptions state, List<string> names)
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
            await all.WaitAsync(_options.GroupJoinTimeout, time, context.ConnectionAborted);
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
            await Task.WhenAll(leaves).WaitAsync(_options.GroupJoinTimeout, time);
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

    private ConnectionSubscriptions State(HubCallerContext context) =>
        localConnections.TryGet(context.ConnectionId, out var subscriptions)
            ? subscriptions
            : throw new InvalidOperationException("The connection has no subscription state; InvalidationHub.OnConnectedAsync did not run.");

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}
