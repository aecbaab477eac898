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
    ILogger<InvalidationHub> logger)
{
    private readonly TagInvalidationOptions _options = options.Value;
    private readonly TagLimits _limits = options.Value.Limits;

    public void Connected(HubCallerContext context)
    {
        localConnections.Add(context.ConnectionId, new ConnectionSubscriptions(_options.MaxGroupDepth));
        metrics.ConnectionOpened();
    }

    public void Disconnected(HubCallerContext context)
    {
        // SignalR removes a closed connection from its groups itself; only our own records need settling.
        if (localConnections.Remove(context.ConnectionId, out var subscriptions))
        {
            metrics.TagsHeldChanged(-subscriptions.Count);
        }

        metrics.ConnectionClosed();
    }

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
        CheckCallSize(nameof(InvalidationHub.Subscribe), tags);
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
                : throw new HubException($"Subscribe: the cursor '{Shorten(cursor)}' is neither 'epoch:sequence' nor 'age:milliseconds'; send null when you have none.");
        }

        var state = State(context);
        var held = new List<Tag>(tags.Length);
        var newlyHeld = new List<Tag>();
        var groupsToJoin = new List<string>();
        List<TagRejection> rejected;
        await state.Gate.WaitAsync(context.ConnectionAborted);
        try
        {
            (var accepted, rejected) = await admission.AdmitAsync(tags, context, state);
            foreach (var rejection in rejected)
            {
                Log.TagRejected(logger, context.ConnectionId, rejection.Tag, rejection.Rule, rejection.Reason);
            }

            foreach (var tag in accepted)
            {
                if (state.Hold(tag, groupsToJoin))
                {
                    newlyHeld.Add(tag);
                }

                held.Add(tag);
            }

            try
            {
                await JoinAsync(context.ConnectionId, groups, groupsToJoin, context.ConnectionAborted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.GroupJoinFailed(logger, context.ConnectionId, ex);
                var ignored = new List<string>();
                foreach (var tag in newlyHeld)
                {
                    state.Release(tag, ignored);
                }

                throw new HubException("Subscribe: the server could not join the tag groups (is its backplane down?); nothing was subscribed, try again.");
            }

            metrics.TagsHeldChanged(newlyHeld.Count);
            Log.Subscribed(logger, context.ConnectionId, held.Count, rejected.Count, state.Count);
        }
        finally
        {
            state.Gate.Release();
        }

        metrics.TagsRejected(rejected.Count);
        InvalidationReplay replay;
        using var replaying = TagInvalidationActivities.Source.StartActivity("querytags.replay");
        replaying?.SetTag("querytags.cursor", cursor);
        try
        {
            replay = await log.ReplayAsync(held, since, age, context.ConnectionAborted);
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
                Log.ResetAnswered(logger, context.ConnectionId, asked);
            }
            else
            {
                Log.MissedAnswered(logger, context.ConnectionId, asked, replay.Missed.Count);
            }
        }

        return new SubscribeResult
        {
            Cursor = replay.Current,
            Reset = replay.Reset,
            Missed = replay.Missed,
            Rejected = rejected,
        };
    }

    public async Task UnsubscribeAsync(HubCallerContext context, IGroupManager groups, object?[]? tags)
    {
        CheckCallSize(nameof(InvalidationHub.Unsubscribe), tags);
        var release = new List<Tag>(tags.Length);
        for (var i = 0; i < tags.Length; i++)
        {
            var read = TagReader.Read(tags[i], _limits);
            if (read.Tag is not { } tag)
            {
                // A tag that breaks a rule was never held; refusing the call keeps "nothing changed" simple to reason about.
                throw new HubException($"Unsubscribe: tag {i} {RawTagText.Render(tags[i])} breaks rule {read.Rule}: {read.Reason}; nothing was released.");
            }

            release.Add(tag);
        }

        var state = State(context);
        var groupsToLeave = new List<string>();
        await state.Gate.WaitAsync(context.ConnectionAborted);
        try
        {
            var released = 0;
            foreach (var tag in release)
            {
                released += state.Release(tag, groupsToLeave) ? 1 : 0;
            }

            metrics.TagsHeldChanged(-released);
            await Task.WhenAll(groupsToLeave.Select(group => groups.RemoveFromGroupAsync(context.ConnectionId, group, context.ConnectionAborted)));
            Log.Unsubscribed(logger, context.ConnectionId, released, state.Count);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private void CheckCallSize(string method, [System.Diagnostics.CodeAnalysis.NotNull] object?[]? tags)
    {
        if (tags is null)
        {
            throw new HubException($"{method}: the tags argument is null; send a list of tags (an empty list is fine).");
        }

        if (tags.Length > _options.MaxTagsPerCall)
        {
            throw new HubException($"{method}: {tags.Length} tags in one call breaks rule {TagRules.TooManyTagsPerCall}: at most {_options.MaxTagsPerCall}; split the call. Nothing was changed.");
        }
    }

    private static async Task JoinAsync(string connectionId, IGroupManager groups, List<string> names, CancellationToken cancellationToken)
    {
        switch (names.Count)
        {
            case 0:
                return;
            case 1:
                await groups.AddToGroupAsync(connectionId, names[0], cancellationToken);
                return;
            default:
                await Task.WhenAll(names.Select(name => groups.AddToGroupAsync(connectionId, name, cancellationToken)));
                return;
        }
    }

    private ConnectionSubscriptions State(HubCallerContext context) =>
        localConnections.TryGet(context.ConnectionId, out var subscriptions)
            ? subscriptions
            : throw new InvalidOperationException("The connection has no subscription state; InvalidationHub.OnConnectedAsync did not run.");

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}
