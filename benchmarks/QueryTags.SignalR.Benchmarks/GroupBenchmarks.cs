using BenchmarkDotNet.Attributes;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Benchmarks;

/// <summary>Group resolution: the target group of an invalidation, and the counted prefix groups of a subscribe.</summary>
public class GroupBenchmarks
{
    private static readonly Tag Invalidated = ["todo", 5];
    private readonly Tag[] _tags = [.. Enumerable.Range(0, 10).Select(i => new Tag("todo", i, "comments"))];
    private readonly List<string> _groups = new(32);

    /// <summary>The group an invalidation is sent to: once per distinct tag of every invalidation.</summary>
    [Benchmark]
    public string TargetGroup() => TagPrefixes.Name(TagPrefixes.Grouped(Invalidated, maxGroupDepth: 8).Longest);

    /// <summary>A connection holds 10 three-segment tags, then releases them: group names, reference counts, join and leave lists.</summary>
    [Benchmark]
    public int HoldAndRelease10Tags()
    {
        var subscriptions = new ConnectionSubscriptions(maxGroupDepth: 8);
        _groups.Clear();
        foreach (var tag in _tags)
        {
            subscriptions.Hold(tag, _groups);
        }

        foreach (var tag in _tags)
        {
            subscriptions.Release(tag, _groups);
        }

        return _groups.Count;
    }
}
