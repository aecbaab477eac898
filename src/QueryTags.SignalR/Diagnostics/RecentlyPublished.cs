using System.Text.Json;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The last invalidations this node sent, for the diagnostics endpoint: id, time, counts and sizes, never the tags.
/// Records nothing until <c>MapTagInvalidationDiagnostics</c> turns it on, so an app without the endpoint pays nothing.
/// </summary>
/// <remarks>
/// With scale-out, invalidations other nodes published reach this node's connections through the backplane without
/// passing here: each node lists what it sent, and counts the deliveries to its own connections only.
/// </remarks>
internal sealed class RecentlyPublished(HeldTagCounts held, TimeProvider time)
{
    /// <summary>How many are kept.</summary>
    public const int Capacity = 32;

    private readonly Queue<PublishedInvalidation> _recent = new(Capacity);
    private volatile bool _enabled;

    public void Enable() => _enabled = true;

    /// <summary>Notes an invalidation handed to SignalR, with the copy each target group is sent.</summary>
    /// <param name="message">The invalidation (every tag of the call).</param>
    /// <param name="copies">Each target group's name with the copy sent to it.</param>
    /// <param name="resent">Whether it is sent again (see <c>UnsentInvalidationSweeper</c>).</param>
    public void Note(InvalidationMessage message, IReadOnlyList<KeyValuePair<string, InvalidationMessage>> copies, bool resent)
    {
        if (!_enabled)
        {
            return;
        }

        long deliveries = 0;
        long bytes = 0;
        foreach (var (group, copy) in copies)
        {
            var holders = held.HoldersOf(TagPrefixes.Named(group));
            deliveries += holders;

            // The copy's size as the JSON protocol writes it (MessagePack's is smaller), once per group send.
            bytes += JsonSerializer.SerializeToUtf8Bytes(copy).Length;
        }

        var published = new PublishedInvalidation(message.Id, time.GetUtcNow(), message.Tags.Count, copies.Count, deliveries, bytes, resent);
        lock (_recent)
        {
            if (_recent.Count == Capacity)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(published);
        }
    }

    /// <summary>The ones kept, the latest first.</summary>
    public IReadOnlyList<PublishedInvalidation> Latest()
    {
        lock (_recent)
        {
            return [.. _recent.Reverse()];
        }
    }
}
