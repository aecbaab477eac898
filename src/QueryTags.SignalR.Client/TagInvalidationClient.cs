using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging.Abstractions;
using QueryTags.SignalR.Client.Internal;

namespace QueryTags.SignalR.Client;

/// <summary>
/// A .NET client of the invalidation hub. It counts subscribers per tag (the server hears of a tag when its
/// first subscriber arrives and its last leaves), raises <see cref="Invalidated"/> once per invalidation for
/// the held tags it matches, and after a reconnect subscribes again with its cursor, raising
/// <see cref="Missed"/> or <see cref="ResetRequired"/> for what happened while it was away.
/// </summary>
public sealed class TagInvalidationClient : IAsyncDisposable
{
    private readonly int _maxTagsPerCall;
    private readonly TimeSpan _firstSubscribeMargin;
    private readonly IRetryPolicy _startRetryPolicy;
    private readonly bool _ownsConnection;
    private readonly Uri? _hubUrl;
    private readonly GatedRetryPolicy? _reconnectPolicy;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly InvalidationCoalescer? _coalescer;
    private readonly IDisposable[] _handlers;

    // Keeps hub calls in the order they were asked for (a subscribe then an unsubscribe of the same tag).
    private readonly SemaphoreSlim _calls = new(1, 1);

    // Guards the fields below: hub callbacks, hub answers and callers all reach them.
    private readonly Lock _gate = new();
    private readonly SubscriberCounts _subscriberCounts = new();
    private readonly RecentInvalidations _recentInvalidations = new();
    private InvalidationCursor? _cursor;
    private TagInvalidationStatus _status;
    private TagInvalidationConnectionException? _statusError;

    // When the first tag was asked for: a first subscribe (no cursor yet) asks about everything since then.
    private long? _firstRequestTimestamp;

    // Cancelled (and replaced) by StopAsync and DisposeAsync, so a start still retrying ends with them.
    private CancellationTokenSource _stopped = new();

    // Set by StopAsync and DisposeAsync, cleared by StartAsync: a close they asked for is no failure.
    private volatile bool _stopRequested;

    /// <summary>Adopts a connection built elsewhere; configure its automatic reconnect yourself.</summary>
    /// <param name="connection">The hub connection; it may be started or not.</param>
    /// <param name="maxTagsPerCall">Most tags per hub call; match the server's limit.</param>
    /// <param name="logger">Where failed start attempts and failures of event handlers go.</param>
    /// <param name="startRetryPolicy">
    /// How <see cref="StartAsync"/> retries a connection that fails to start; null for forever (at once, then 1, 2
    /// and 5 s, then every 10 s). Pass the policy the connection reconnects with, so both agree; a policy
    /// that returns null makes a failed start throw at once. A retry after a server that is stopping (503) also
    /// waits a random part of <see cref="TagInvalidationClientOptions.DefaultServerStopJitter"/>.
    /// </param>
    /// <param name="coalesceWindow">See <see cref="TagInvalidationClientOptions.CoalesceWindow"/>; zero (the default) for off.</param>
    /// <param name="timeProvider">See <see cref="TagInvalidationClientOptions.TimeProvider"/>; null for the system's clock.</param>
    public TagInvalidationClient(HubConnection connection, int maxTagsPerCall = 256, ILogger? logger = null, IRetryPolicy? startRetryPolicy = null, TimeSpan coalesceWindow = default, TimeProvider? timeProvider = null)
        : this(connection, maxTagsPerCall, logger ?? NullLogger.Instance, new ServerStopRetryPolicy(startRetryPolicy ?? new ForeverRetryPolicy(), TagInvalidationClientOptions.DefaultServerStopJitter), TagInvalidationClientOptions.DefaultFirstSubscribeMargin, coalesceWindow, timeProvider ?? TimeProvider.System, hubUrl: null, reconnectPolicy: null)
    {
    }

    // With a hub URL and a reconnect policy, the client built the connection and owns it.
    private TagInvalidationClient(HubConnection connection, int maxTagsPerCall, ILogger logger, IRetryPolicy startRetryPolicy, TimeSpan firstSubscribeMargin, TimeSpan coalesceWindow, TimeProvider time, Uri? hubUrl, GatedRetryPolicy? reconnectPolicy)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTagsPerCall, 1);
        ArgumentNullException.ThrowIfNull(startRetryPolicy);
        ArgumentOutOfRangeException.ThrowIfLessThan(coalesceWindow, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        Connection = connection;
        _time = time;
        _status = StatusOf(connection.State);
        if (coalesceWindow > TimeSpan.Zero)
        {
            _coalescer = new InvalidationCoalescer(coalesceWindow, time, (tags, ids) => Raise(InvalidatedCoalesced, new CoalescedInvalidationsEventArgs(tags, ids)));
        }

        _maxTagsPerCall = maxTagsPerCall;
        _startRetryPolicy = startRetryPolicy;
        _firstSubscribeMargin = firstSubscribeMargin;
        _logger = logger;
        _hubUrl = hubUrl;
        _reconnectPolicy = reconnectPolicy;
        _ownsConnection = reconnectPolicy is not null;
        _handlers =
        [
            connection.On<InvalidationMessage>(InvalidationHubMethods.Invalidate, OnInvalidate),
            connection.On<ResetMessage>(InvalidationHubMethods.Reset, OnReset),
        ];
        connection.Reconnecting += OnReconnectingAsync;
        connection.Reconnected += OnReconnectedAsync;
        connection.Closed += OnClosedAsync;
    }

    /// <summary>
    /// Tags were invalidated that match held tags, by a push or by <see cref="Apply"/>. Raised once per invalidation id
    /// and tag.
    /// </summary>
    public event EventHandler<TagsInvalidatedEventArgs>? Invalidated;

    /// <summary>
    /// The held tags <see cref="Invalidated"/> reported, gathered per <see cref="TagInvalidationClientOptions.CoalesceWindow"/>:
    /// at most one event per window, each tag once. Never raised while the window is zero (the default).
    /// </summary>
    public event EventHandler<CoalescedInvalidationsEventArgs>? InvalidatedCoalesced;

    /// <summary>
    /// The <see cref="Status"/> changed. Raised on the thread that changed it (a SignalR callback, a caller of
    /// <see cref="StartAsync"/> or <see cref="StopAsync"/>).
    /// </summary>
    public event EventHandler<TagInvalidationStatusChangedEventArgs>? StatusChanged;

    /// <summary>Held tags were invalidated while the client was away or its subscribe was in flight.</summary>
    public event EventHandler<MissedInvalidationsEventArgs>? Missed;

    /// <summary>The server cannot tell what was missed: refetch every tagged query.</summary>
    public event EventHandler<ResetRequiredEventArgs>? ResetRequired;

    /// <summary>
    /// The server refused tags of a (re)subscribe, each with its rule (such as <c>forbidden</c> when the user may not
    /// hold it); they are no longer held and will not be sent again. Without a handler, each refused tag is logged as a
    /// warning instead.
    /// </summary>
    public event EventHandler<TagsRejectedEventArgs>? Rejected;

    /// <summary>
    /// The client stopped trying to connect: a failure retrying cannot fix (a hub URL with no hub, 401, 403, a protocol
    /// the server lacks) or a retry policy that gave up, from a start or after a lost connection. Not raised by
    /// <see cref="StopAsync"/>; a new <see cref="StartAsync"/> tries again.
    /// </summary>
    public event EventHandler<TagInvalidationFailedEventArgs>? Failed;

    /// <summary>
    /// Something went wrong without stopping the client: subscribing the held tags again after a reconnect failed (the
    /// next reconnect tries again), or a start failed <c>3</c> times in a row with transient errors (a
    /// <see cref="TagInvalidationConnectionException"/> of failure <see cref="TagInvalidationFailure.Unreachable"/>; the
    /// client keeps trying and its <see cref="Status"/> stays <see cref="TagInvalidationStatus.Connecting"/>). Without a
    /// handler, each is logged as a warning instead.
    /// </summary>
    public event EventHandler<TagInvalidationErrorEventArgs>? Error;

    /// <summary>The underlying SignalR connection.</summary>
    public HubConnection Connection { get; }

    /// <summary>Where the connection stands; <see cref="StatusChanged"/> tells of every change.</summary>
    public TagInvalidationStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>The latest cursor seen, or null before the first subscribe.</summary>
    public InvalidationCursor? Cursor
    {
        get
        {
            lock (_gate)
            {
                return _cursor;
            }
        }
    }

    /// <summary>The tags with at least one subscriber.</summary>
    public IReadOnlyList<Tag> HeldTags
    {
        get
        {
            lock (_gate)
            {
                return _subscriberCounts.Held;
            }
        }
    }

    /// <summary>Builds a client with its own connection to <paramref name="hubUrl"/>.</summary>
    /// <param name="hubUrl">The hub's URL, such as <c>https://host/hubs/invalidation</c>.</param>
    /// <param name="configure">Transports, protocol, token, reconnect policy.</param>
    /// <returns>A client that is not started yet.</returns>
    public static TagInvalidationClient Create(Uri hubUrl, Action<TagInvalidationClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(hubUrl);
        var options = new TagInvalidationClientOptions();
        configure?.Invoke(options);
        var logger = options.LoggerFactory?.CreateLogger<TagInvalidationClient>() ?? (ILogger)NullLogger.Instance;
        var retryAfter = new RetryAfterNote();
        var policy = new ServerStopRetryPolicy(options.ReconnectPolicy, options.ServerStopJitter, retryAfter);
        var reconnectPolicy = new GatedRetryPolicy(policy, hubUrl);
        var connection = TagInvalidationConnectionFactory.Create(hubUrl, options, reconnectPolicy, retryAfter);
        return new TagInvalidationClient(connection, options.MaxTagsPerCall, logger, policy, options.FirstSubscribeMargin, options.CoalesceWindow, options.TimeProvider, hubUrl, reconnectPolicy);
    }

    /// <summary>
    /// Starts the connection (when it is disconnected) and subscribes every held tag. A connection that fails to
    /// start is tried again as the retry policy says (<see cref="TagInvalidationClientOptions.ReconnectPolicy"/>,
    /// or the start retry policy of an adopted connection; by default at once, then 1, 2 and 5 s, then every
    /// 10 s, forever), with a warning logged for the first failed attempt (the others at Debug). A failure retrying
    /// cannot fix ends it at once: a hub URL with no hub (404), 401, 403, or a protocol the server lacks.
    /// </summary>
    /// <param name="cancellationToken">Ends the start, also while it waits to try again.</param>
    /// <exception cref="TagInvalidationConnectionException">
    /// A failure retrying cannot fix, or the policy gave up (the last attempt's error inside); <see cref="Failed"/> is
    /// raised with it too.
    /// </exception>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> was cancelled, or <see cref="StopAsync"/> or <see cref="DisposeAsync"/>
    /// was called, before the connection was up; it is left disconnected.
    /// </exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        CancellationToken stopped;
        lock (_gate)
        {
            stopped = _stopped.Token;
        }

        _stopRequested = false;
        _reconnectPolicy?.Forget();
        SetStatus(Connection.State == HubConnectionState.Disconnected ? TagInvalidationStatus.Connecting : StatusOf(Connection.State));
        using (var start = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopped))
        {
            try
            {
                await ConnectionStarter.StartAsync(Connection, _startRetryPolicy, _logger, _hubUrl, start.Token, _time, OnUnreachable);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                SetStatus(StatusOf(Connection.State));

                // Name the caller's token, not the linked one, so a caller can tell its own cancellation.
                throw new OperationCanceledException(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                SetStatus(StatusOf(Connection.State));
                throw;
            }
            catch (TagInvalidationConnectionException failure)
            {
                RaiseFailed(failure);
                throw;
            }
        }

        SetStatus(StatusOf(Connection.State));

        await SubscribeHeldAsync(cancellationToken);
    }

    /// <summary>
    /// Stops the connection, and a start that is still retrying. Held tags are kept and subscribed again by the
    /// next start.
    /// </summary>
    /// <param name="cancellationToken">Cancels the stop.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _stopRequested = true;
        EndPendingStarts();
        await Connection.StopAsync(cancellationToken);
        SetStatus(TagInvalidationStatus.Disconnected);
    }

    /// <summary>
    /// Adds a subscriber to each tag. Tags that get their first subscriber are sent to the server at once when
    /// connected, or on the next start or reconnect otherwise.
    /// </summary>
    /// <param name="tags">The tags.</param>
    /// <param name="cancellationToken">Cancels the hub call (the subscribers stay counted).</param>
    /// <returns>The server's answer for the tags sent now, or null when none were sent.</returns>
    public async Task<SubscribeResult?> SubscribeAsync(IEnumerable<Tag> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var requested = tags.ToArray();
        List<Tag> first;
        lock (_gate)
        {
            first = _subscriberCounts.Add(requested);
            _firstRequestTimestamp ??= _time.GetTimestamp();
        }

        if (first.Count == 0 || Connection.State != HubConnectionState.Connected)
        {
            return null;
        }

        await _calls.WaitAsync(cancellationToken);
        try
        {
            return await SendSubscribeAsync(first, cancellationToken);
        }
        finally
        {
            _calls.Release();
        }
    }

    /// <summary>Removes a subscriber from each tag; tags left with none are released on the server.</summary>
    /// <param name="tags">The tags.</param>
    /// <param name="cancellationToken">Cancels the hub call.</param>
    public async Task UnsubscribeAsync(IEnumerable<Tag> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var released = tags.ToArray();
        List<Tag> last;
        lock (_gate)
        {
            last = _subscriberCounts.Remove(released);
        }

        if (last.Count == 0 || Connection.State != HubConnectionState.Connected)
        {
            return;
        }

        await _calls.WaitAsync(cancellationToken);
        try
        {
            foreach (var chunk in last.Chunk(_maxTagsPerCall))
            {
                await Connection.InvokeAsync(InvalidationHubMethods.Unsubscribe, chunk, cancellationToken);
            }
        }
        finally
        {
            _calls.Release();
        }
    }

    /// <summary>
    /// Applies an invalidation this client learned of itself, from the response to its own change (the
    /// <c>QueryTags-Invalidation-Id</c> header, or the id <c>InvalidateTagsAsync</c> returned): the held tags it
    /// matches are reported now (<see cref="Invalidated"/>), and its push, when it comes, reports none of them again;
    /// if the push came first, nothing is reported. So the client that made a change refetches once. The id may list
    /// several ids, as the header does for a request that saved several times (<c>id-1, id-2</c>): each is applied, the
    /// held tags reported once.
    /// </summary>
    /// <param name="invalidationId">The invalidation id, or the header's list of them.</param>
    /// <param name="tags">The tags the change invalidated.</param>
    /// <exception cref="ArgumentException">The id is empty, or a tag is empty (default).</exception>
    public void Apply(string invalidationId, IEnumerable<Tag> tags)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(invalidationId);
        ArgumentNullException.ThrowIfNull(tags);
        var invalidated = tags.ToArray();
        SubscriberCounts.ThrowIfAnyEmpty(invalidated);
        List<Tag> fresh;
        lock (_gate)
        {
            fresh = _recentInvalidations.UnappliedOfAny(InvalidationIds.Read(invalidationId), _subscriberCounts.Matching(invalidated));
        }

        if (fresh.Count > 0)
        {
            ReportInvalidated(new InvalidationMessage { Id = invalidationId, Tags = invalidated }, fresh);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stopRequested = true;
        EndPendingStarts();
        _coalescer?.Dispose();
        Connection.Reconnecting -= OnReconnectingAsync;
        Connection.Reconnected -= OnReconnectedAsync;
        Connection.Closed -= OnClosedAsync;
        foreach (var handler in _handlers)
        {
            handler.Dispose();
        }

        if (_ownsConnection)
        {
            await Connection.DisposeAsync();
        }

        _calls.Dispose();
    }

    private void EndPendingStarts()
    {
        CancellationTokenSource stopped;
        lock (_gate)
        {
            stopped = _stopped;
            _stopped = new CancellationTokenSource();
        }

        // Not disposed: a start may still be linking to its token, and a source without a timer holds nothing.
        stopped.Cancel();
    }

    private Task OnReconnectingAsync(Exception? error)
    {
        SetStatus(TagInvalidationStatus.Reconnecting);
        return Task.CompletedTask;
    }

    private async Task OnReconnectedAsync(string? connectionId)
    {
        _reconnectPolicy?.Forget();
        SetStatus(TagInvalidationStatus.Connected);
        try
        {
            await SubscribeHeldAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The connection drops again or the server refuses: the next reconnect tries again.
            if (Error is { } handlers)
            {
                Raise(handlers, new TagInvalidationErrorEventArgs(ex));
            }
            else
            {
                TagInvalidationClientLog.ResubscribeFailed(_logger, ex);
            }
        }
    }

    // A start that keeps failing says so once, with a hint, and keeps trying.
    private void OnUnreachable(Exception error)
    {
        var unreachable = ConnectionFailures.UnreachableFailure(error, _hubUrl);
        SetStatus(TagInvalidationStatus.Connecting, unreachable);
        if (Error is { } handlers)
        {
            Raise(handlers, new TagInvalidationErrorEventArgs(unreachable));
        }
        else
        {
            TagInvalidationClientLog.Unreachable(_logger, unreachable.Hint, error);
        }
    }

    // A close nobody asked for is the end of the automatic reconnect: it failed for good. Why is the last reason the
    // reconnect policy heard (SignalR passes a generic error when its retries end), or else the close's own error.
    private Task OnClosedAsync(Exception? error)
    {
        if (!_stopRequested && (_reconnectPolicy?.LastReason ?? error) is { } reason)
        {
            RaiseFailed(ConnectionFailures.Classify(reason, _hubUrl, gaveUp: true)!);
        }
        else
        {
            SetStatus(TagInvalidationStatus.Disconnected);
        }

        return Task.CompletedTask;
    }

    private void RaiseFailed(TagInvalidationConnectionException failure)
    {
        TagInvalidationClientLog.ConnectionFailed(_logger, failure.Failure, failure.Hint, failure.InnerException ?? failure);
        SetStatus(TagInvalidationStatus.Failed, failure);
        Raise(Failed, new TagInvalidationFailedEventArgs(failure));
    }

    private void SetStatus(TagInvalidationStatus status, TagInvalidationConnectionException? error = null)
    {
        lock (_gate)
        {
            if (_status == status && _statusError == error)
            {
                return;
            }

            _status = status;
            _statusError = error;
        }

        Raise(StatusChanged, new TagInvalidationStatusChangedEventArgs(status, error));
    }

    private static TagInvalidationStatus StatusOf(HubConnectionState state) => state switch
    {
        HubConnectionState.Connected => TagInvalidationStatus.Connected,
        HubConnectionState.Connecting => TagInvalidationStatus.Connecting,
        HubConnectionState.Reconnecting => TagInvalidationStatus.Reconnecting,
        _ => TagInvalidationStatus.Disconnected,
    };

    private async Task SubscribeHeldAsync(CancellationToken cancellationToken)
    {
        await _calls.WaitAsync(cancellationToken);
        try
        {
            Tag[] held;
            lock (_gate)
            {
                held = _subscriberCounts.Held;
            }

            await SendSubscribeAsync(held, cancellationToken);
        }
        finally
        {
            _calls.Release();
        }
    }

    private async Task<SubscribeResult> SendSubscribeAsync(IReadOnlyList<Tag> tags, CancellationToken cancellationToken)
    {
        string? since;
        lock (_gate)
        {
            // Without a cursor yet, ask for what was invalidated since the first tag was asked for (plus a margin
            // for the trip): data fetched before the first subscribe could otherwise miss a change silently.
            since = _cursor?.ToString()
                ?? (_firstRequestTimestamp is { } firstRequest
                    ? InvalidationCursor.ForAge(_time.GetElapsedTime(firstRequest) + _firstSubscribeMargin)
                    : null);
        }

        var answers = new ChunkedSubscribeResult();
        foreach (var chunk in tags.Chunk(_maxTagsPerCall))
        {
            // Every chunk asks from the same cursor: the first chunk's answer must not hide the others' misses.
            var result = await Connection.InvokeAsync<SubscribeResult>(InvalidationHubMethods.Subscribe, chunk, since, cancellationToken);
            AdvanceCursor(result.Cursor);
            answers.Add(result, chunk.Length);
        }

        var answer = answers.Result;
        lock (_gate)
        {
            foreach (var rejection in answer.Rejected)
            {
                _subscriberCounts.Forget(tags[rejection.Index]);
            }
        }

        if (answer.Rejected.Count > 0)
        {
            ReportRejected(answer.Rejected);
        }

        if (answer.Reset)
        {
            Raise(ResetRequired, new ResetRequiredEventArgs("cursor-unknown", Cursor) { Spread = SpreadOf(answer.SpreadMilliseconds) });
        }
        else if (answer.Missed.Count > 0)
        {
            Raise(Missed, new MissedInvalidationsEventArgs(answer.Missed, Cursor));
        }

        return answer;
    }

    private void OnInvalidate(InvalidationMessage message)
    {
        List<Tag> matched;
        lock (_gate)
        {
            AdvanceCursorLocked(message.Cursor);

            // Copies of one id reach a connection once per target group it is in; each held tag is applied once.
            matched = _recentInvalidations.Unapplied(message.Id, _subscriberCounts.Matching(message.Tags));
        }

        if (matched.Count > 0)
        {
            ReportInvalidated(message, matched);
        }
    }

    private void ReportInvalidated(InvalidationMessage message, List<Tag> matched)
    {
        Raise(Invalidated, new TagsInvalidatedEventArgs(message, matched));
        _coalescer?.Add(message.Id, matched);
    }

    private void OnReset(ResetMessage message)
    {
        AdvanceCursor(message.Cursor);
        Raise(ResetRequired, new ResetRequiredEventArgs(message.Reason, Cursor) { Spread = SpreadOf(message.SpreadMilliseconds) });
    }

    // MessagePack reads a reset's window as any int: cut it as the JSON reader does.
    private static TimeSpan SpreadOf(int milliseconds) => TimeSpan.FromMilliseconds(WireSpread.Clamp(milliseconds));

    private void AdvanceCursor(InvalidationCursor? cursor)
    {
        lock (_gate)
        {
            AdvanceCursorLocked(cursor);
        }
    }

    private void AdvanceCursorLocked(InvalidationCursor? cursor)
    {
        if (cursor is { } parsed)
        {
            _cursor = InvalidationCursor.Latest(_cursor, parsed);
        }
    }

    // A refused tag must not vanish: with no handler to hear of it, the log says so.
    private void ReportRejected(IReadOnlyList<TagRejection> rejections)
    {
        if (Rejected is { } handlers)
        {
            Raise(handlers, new TagsRejectedEventArgs(rejections));
            return;
        }

        foreach (var rejection in rejections)
        {
            TagInvalidationClientLog.TagRejected(_logger, rejection.Tag, rejection.Rule, rejection.Reason);
        }
    }

    private void Raise<T>(EventHandler<T>? handlers, T args)
    {
        if (handlers is null)
        {
            return;
        }

        // One failing handler must not keep the others from hearing of the invalidation.
        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<T>>())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception ex)
            {
                TagInvalidationClientLog.HandlerFailed(_logger, typeof(T).Name, ex);
            }
        }
    }
}
