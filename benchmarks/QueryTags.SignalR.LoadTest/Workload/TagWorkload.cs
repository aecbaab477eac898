namespace QueryTags.SignalR.LoadTest.Workload;

/// <summary>
/// The tags each connection holds and the tags the publisher invalidates; seeded, so every system gets exactly
/// the same workload. Connection <c>i</c> holds <c>["bcast"]</c> (held by all: the broadcast scenario),
/// <c>["topic", i % 100]</c> (held by 1% of connections: the targeted scenario) and filler tags
/// <c>["todo", id]</c> with ids drawn from a Zipf distribution, which no scenario invalidates but which every
/// server must hold (groups, rooms, memory).
/// </summary>
internal sealed class TagWorkload
{
    public const int Topics = 100;

    private readonly ZipfDistribution _fillerIds;

    public TagWorkload(int tagsPerConnection, int fillerKeySpace, double zipfExponent, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tagsPerConnection, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(fillerKeySpace, tagsPerConnection);
        TagsPerConnection = tagsPerConnection;
        FillerKeySpace = fillerKeySpace;
        ZipfExponent = zipfExponent;
        Seed = seed;
        _fillerIds = new ZipfDistribution(fillerKeySpace, zipfExponent);
    }

    public static Tag Broadcast { get; } = ["bcast"];

    public int TagsPerConnection { get; }

    public int FillerKeySpace { get; }

    public double ZipfExponent { get; }

    public int Seed { get; }

    /// <summary>What the broadcast scenario invalidates: the tag every connection holds.</summary>
    public IReadOnlyList<Tag> BroadcastPublishTags { get; } = [Broadcast];

    /// <summary>What the targeted scenario invalidates, round-robin: each topic interests 1% of connections.</summary>
    public IReadOnlyList<Tag> TargetedPublishTags { get; } = [.. Enumerable.Range(0, Topics).Select(Topic)];

    public static Tag Topic(int index) => ["topic", index];

    public Tag[] TagsOf(int connection)
    {
        var random = new Random(HashCode.Combine(Seed, connection));
        var tags = new List<Tag>(TagsPerConnection) { Broadcast, Topic(connection % Topics) };
        while (tags.Count < TagsPerConnection)
        {
            var filler = Filler(random);
            if (!tags.Contains(filler))
            {
                tags.Add(filler);
            }
        }

        return [.. tags];
    }

    /// <summary>Filler tags the churn scenario swaps in, drawn from the same distribution, in a fixed order.</summary>
    public Tag[] SwapTags(int count)
    {
        var random = new Random(HashCode.Combine(Seed, -1));
        return [.. Enumerable.Range(0, count).Select(_ => Filler(random))];
    }

    /// <summary>How many connections an invalidation drawn round-robin from <paramref name="published"/> interests, on average.</summary>
    public static double InterestedConnections(IReadOnlyList<Tag> published, int connections) =>
        published.Count == 1 && published[0] == Broadcast ? connections : connections / (double)Topics;

    private Tag Filler(Random random) => ["todo", _fillerIds.Next(random)];
}
