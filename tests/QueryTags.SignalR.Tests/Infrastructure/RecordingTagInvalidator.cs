namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>An <see cref="ITagInvalidator"/> that keeps each call's tags and token, and can be told to fail.</summary>
internal sealed class RecordingTagInvalidator : ITagInvalidator
{
    private readonly List<(string Id, IReadOnlyList<Tag> Tags, CancellationToken Token, bool Failed)> _calls = [];

    /// <summary>When set, every call fails with it (a faulted task, as an unreachable log would give).</summary>
    public Exception? Failure { get; set; }

    /// <summary>Runs inside each call, before it returns: a test reads the database there to see what is committed.</summary>
    public Action<IReadOnlyList<Tag>>? OnInvalidate { get; set; }

    /// <summary>The tags of each call, in call order.</summary>
    public IReadOnlyList<IReadOnlyList<Tag>> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls.Select(call => call.Tags)];
            }
        }
    }

    /// <summary>The invalidation id of each call, failed ones included.</summary>
    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls.Select(call => call.Id)];
            }
        }
    }

    /// <summary>The id and tags of each call that did not fail, in call order.</summary>
    public IReadOnlyList<(string Id, IReadOnlyList<Tag> Tags)> Published
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls.Where(call => !call.Failed).Select(call => (call.Id, call.Tags))];
            }
        }
    }

    /// <summary>The cancellation token of each call.</summary>
    public IReadOnlyList<CancellationToken> Tokens
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls.Select(call => call.Token)];
            }
        }
    }

    public Task<InvalidationMessage> InvalidateTagsAsync(IEnumerable<Tag> tags, string? source = null, CancellationToken cancellationToken = default) =>
        InvalidateTagsOnceAsync(Guid.NewGuid().ToString("N"), tags, source, cancellationToken);

    public Task<InvalidationMessage> InvalidateTagsOnceAsync(string id, IEnumerable<Tag> tags, string? source = null, CancellationToken cancellationToken = default)
    {
        List<Tag> list = [.. tags];
        var failure = Failure;
        lock (_calls)
        {
            _calls.Add((id, list, cancellationToken, failure is not null));
        }

        OnInvalidate?.Invoke(list);
        return failure is not null
            ? Task.FromException<InvalidationMessage>(failure)
            : Task.FromResult(new InvalidationMessage { Id = id, Tags = list, Source = source });
    }
}
