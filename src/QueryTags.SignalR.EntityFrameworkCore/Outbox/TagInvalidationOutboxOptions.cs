namespace QueryTags.SignalR;

/// <summary>How the outbox relay of one context type reads and publishes its rows (<c>AddEntityFrameworkCoreOutbox</c>).</summary>
public sealed class TagInvalidationOutboxOptions
{
    /// <summary>Rows read and published per pass, oldest first; a pass that reads a full batch is followed by another. Default 100; 1 to 10,000.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How often the relay looks for rows it was not woken for: those of another node that died before it published
    /// them. A commit on this node wakes it at once. Default 5 seconds.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts while the log or the database fails (the waits double from 1 second up to it). Default 30 seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
