using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace QueryTags.SignalR.Benchmarks;

/// <summary>Tags: parsing, building the canonical form, prefix forms, matching, and reading untrusted input.</summary>
public class TagBenchmarks
{
    private static readonly Tag Held = ["todo", 5, "comments"];
    private static readonly Tag Todo = ["todo"];
    private static readonly Tag OtherTodo = ["todo", 6];
    private static readonly object?[] MessagePackArgument = ["todo", 5L, "comments"];
    private static readonly JsonElement JsonArgument = JsonDocument.Parse("""["todo",5,"comments"]""").RootElement;

    /// <summary>Tag.Parse: the canonical text back into a tag (HTTP bodies, cache tags).</summary>
    [Benchmark]
    public Tag Parse() => Tag.Parse("""["todo",5,"comments"]""");

    /// <summary>Building a tag computes its canonical form once: every invalidation and subscribe does it.</summary>
    [Benchmark]
    public Tag CreateWithCanonicalForm() => ["org", "acme", "members", 42];

    /// <summary>The canonical form of a prefix, for group names and log look-ups.</summary>
    [Benchmark]
    public string PrefixCanonical() => Held.PrefixCanonical(2);

    /// <summary>Client-side filtering: an invalidation tag against a held one (a match).</summary>
    [Benchmark]
    public bool MatchesPrefix() => Todo.Matches(Held);

    /// <summary>Client-side filtering that fails on the second segment.</summary>
    [Benchmark]
    public bool MatchesMiss() => OtherTodo.Matches(Held);

    /// <summary>The hub's subscribe path with MessagePack: MessagePack's object graph checked into a tag.</summary>
    [Benchmark]
    public Tag? ReadUntrustedMessagePack() => TagReader.Read(MessagePackArgument, TagLimits.Default).Tag;

    /// <summary>The hub's subscribe path with JSON: a JsonElement checked into a tag.</summary>
    [Benchmark]
    public Tag? ReadUntrustedJson() => TagReader.Read(JsonArgument, TagLimits.Default).Tag;
}
