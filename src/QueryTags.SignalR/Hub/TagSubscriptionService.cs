using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Telemetry;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// What <see cref="InvalidationHub"/> does: checks tags, joins and leaves prefix groups, answers cursors. A subscribe
/// reads its cursor, holds its tags under the connection's gate (throttle, <see cref="TagAdmission"/>,
/// <see cref="TagGroupJoins"/>), then replays the log; an unsubscribe reads its tags through the same
/// <see cref="TagAdmission.TryRead"/> and releases them.
/// </summary>
internal sealed class TagSubscriptionService(
    IOptions<TagInvalidationOptions> options,
    TagAdmission admission,
    InvalidationLog log,
    TagInvalidationMetrics metrics,
    LocalConnections localConnections,
    LocalUserConnections userConnections,
    ConnectionKinds connectionKinds,
    HeldTagCounts heldTags,
    TimeProvider time,
    LoggingThrottle loggingThrottle,
    ILogger<InvalidationHub> logger)
{
    private readonly TagInvalidationOptions _options = options.Value;
    private readonly TagGroupJoins _joins = new(options.Value.GroupJoinTimeout, time, loggingThrottle, logger);

    public void Connected(HubCallerContext context)
    {
        localConnections.Add(context.ConnectionId, new ConnectionSubscriptions(_options.MaxGroupDepth, heldTags)
        {
            Lifetime = context.Features.Get<IConnectionLifetimeNotificationFeature>(),
            Kind = connectionKinds.Opened(context.Features),
        });
        userConnections.Opened(context);
    }

    public async Task DisconnectedAsync(HubCallerContext context)
    {
        // SignalR removes a closed connection from its groups itself; only our own records need settling.
        localConnections.Remove(context.ConnectionId, out var subscriptions);
        userConnections.Closed(context);
        if (subscriptions is null)
        {
            return;
        }

        // Under the gate, so a call still running finishes its changes before the node's counts forget the connection.
        ConnectionKinds.Closed(subscriptions.Kind!);
        await subscriptions.Gate.WaitAsync();
        try
        {
            subscriptions.ReleaseAll();
        }
        finally
        {
            subscriptions.Gate.Release();
        }
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
        var (since, age) = ReadCursor(context, cursor);
        var admitted = await HoldAsync(context, groups, tags);
        metrics.TagsRejected(admitted.Rejected.Count);
        var replay = await ReplayAsync(context, admitted.Accepted, cursor, since, age);
        return new SubscribeResult
        {
            Cursor = replay.Current,
            Reset = replay.Reset,

            // A node that restarted answers every reconnecting client with a reset: spread by how many are here now.
            SpreadMilliseconds = replay.Reset ? RefetchSpreadWindow.ForReset(localConnections.Count, _options.RefetchSpread) : 0,
            Missed = replay.Missed,
            Rejected = admitted.Rejected,
        };
    }

    // The cursor argument: a position (epoch:sequence), an age (age:milliseconds), or none.
    private (InvalidationCursor? Since, TimeSpan? Age) ReadCursor(HubCallerContext context, string? cursor)
    {
        if (InvalidationCursor.TryParseAge(cursor, out var age))
        {
            return (null, age);
        }

        if (cursor is null)
        {
            return (null, null);
        }

        return InvalidationCursor.TryParse(cursor, out var since)
            ? (since, null)
            : throw Refuse(context, nameof(InvalidationHub.Subscribe), $"the cursor '{Shorten(cursor)}' is neither 'epoch:sequence' nor 'age:milliseconds'; send null when you have none.");
    }

    // Under the connection's gate: waits its turn, admits and holds what it can, and joins the groups; a subscribe
    // whose joins fail holds nothing.
    private async Task<AdmittedTags> HoldAsync(HubCallerContext context, IGroupManager groups, object?[] tags)
    {
        var state = State(context);
        await state.Gate.WaitAsync(context.ConnectionAborted);
        try
        {
            await ThrottleAsync(context, state, nameof(InvalidationHub.Subscribe), tags.Length);
            var admitted = await admission.AdmitAsync(tags, context, state);
            LogRejections(context, admitted.Rejected);
            if (!await _joins.JoinAsync(context, groups, state, admitted.GroupsToJoin))
            {
                admitted.Undo(state);
                throw new HubException("Subscribe: the server could not join the tag groups (is its backplane down?); nothing was subscribed, try again.");
            }

            HubLog.Subscribed(logger, context.ConnectionId, admitted.Accepted.Count, admitted.Rejected.Count, state.Count);
            return admitted;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private void LogRejections(HubCallerContext context, List<TagRejection> rejected)
    {
        foreach (var rejection in rejected)
        {
            if (loggingThrottle.Allows(logger, LogLevel.Information))
            {
                HubLog.TagRejected(logger, context.ConnectionId, rejection.Tag, rejection.Rule, rejection.Reason);
            }
        }
    }

    // What the held tags missed since the cursor, in a span of its own. The tags stay held and their groups joined
    // when the log is unreachable: live invalidations reach them once it is back.
    private async Task<InvalidationReplay> ReplayAsync(HubCallerContext context, List<Tag> held, string? cursor, InvalidationCursor? since, TimeSpan? age)
    {
        using var replaying = TagInvalidationActivities.Source.StartActivity("querytags.replay");
        replaying?.SetTag("querytags.cursor", cursor);
        InvalidationReplay replay;
        try
        {
            replay = await log.ReplayAsync(held, since, age, context.ConnectionAborted);
        }
        catch (InvalidationLogUnavailableException ex)
        {
            TagInvalidationActivities.Failed(replaying, ex);
            throw new HubException("Subscribe: the invalidation log is unreachable, so what was missed cannot be told; the tags are held, subscribe again with the same cursor shortly.");
        }

        replaying?.SetTag("querytags.reset", replay.Reset);
        replaying?.SetTag("querytags.missed.count", replay.Missed.Count);
        if (cursor is null)
        {
            return replay;
        }

        if (replay.Reset)
        {
            HubLog.ResetAnswered(logger, context.ConnectionId, cursor);
        }
        else
        {
            HubLog.MissedAnswered(logger, context.ConnectionId, cursor, replay.Missed.Count);
        }

        return replay;
    }

    public async Task UnsubscribeAsync(HubCallerContext context, IGroupManager groups, object?[]? tags)
    {
        CheckCallSize(context, nameof(InvalidationHub.Unsubscribe), tags);
        var release = new List<Tag>(tags.Length);
        for (var i = 0; i < tags.Length; i++)
        {
            // Read as a subscribe reads its tags. A tag that breaks a rule was never held; refusing the call keeps
            // "nothing changed" simple to reason about.
            if (!admission.TryRead(tags[i], i, out var tag, out var rejection))
            {
                throw Refuse(context, nameof(InvalidationHub.Unsubscribe), $"{TagRules.Broken($"tag {i} {rejection.Tag}", rejection.Rule, rejection.Reason)}; nothing was released.");
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

    private ConnectionSubscriptions State(HubCallerContext context) =>
        localConnections.TryGet(context.ConnectionId, out var subscriptions)
            ? subscriptions
            : throw new InvalidOperationException("The connection has no subscription state; InvalidationHub.OnConnectedAsync did not run.");

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}
