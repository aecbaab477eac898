using System.Text.Json;

namespace QueryTags.SignalR.Tests.Abstractions.Tags;

/// <summary>The shared vectors in <c>tests/vectors/tags.json</c>, which the TypeScript client tests read too.</summary>
internal static class TagVectors
{
    private static readonly JsonDocument Document = JsonDocument.Parse(
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "vectors", "tags.json")));

    public static JsonElement Root => Document.RootElement;

    public static TagLimits Limits => new()
    {
        MaxSegments = Root.GetProperty("limits").GetProperty("maxSegments").GetInt32(),
        MaxSegmentLength = Root.GetProperty("limits").GetProperty("maxSegmentLength").GetInt32(),
    };

    public static TheoryData<TagVector> Section(string name, Func<TagVector, bool>? where = null)
    {
        var data = new TheoryData<TagVector>();
        for (var i = 0; i < Root.GetProperty(name).GetArrayLength(); i++)
        {
            var vector = new TagVector(name, i);
            if (where?.Invoke(vector) ?? true)
            {
                data.Add(vector);
            }
        }

        return data;
    }

    /// <summary>True for the rules about size, which only <see cref="TagLimits"/> checks (serializers read structure only).</summary>
    public static bool IsLimitRule(string? rule) => rule is TagRules.TooManySegments or TagRules.SegmentTooLong;

    /// <summary>Reads a vector's tag, which must be valid.</summary>
    public static Tag ReadTag(JsonElement element) =>
        TagReader.Read(element, Limits).Tag ?? throw new InvalidOperationException($"The vector {element.GetRawText()} is not a valid tag.");
}
