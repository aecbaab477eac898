using System.Text.Json;

namespace QueryTags.SignalR.Tests.Abstractions.Tags;

public class TagJsonConverterTests
{
    public static TheoryData<TagVector> CanonicalVectors => TagVectors.Section("canonical");

    // Serializers check structure only; the size limits are the server's, applied where a tag enters.
    public static TheoryData<TagVector> StructureVectors =>
        TagVectors.Section("invalid", v => !TagVectors.IsLimitRule(v["rule"].GetString()));

    public static TheoryData<TagVector> LimitVectors =>
        TagVectors.Section("invalid", v => TagVectors.IsLimitRule(v["rule"].GetString()));

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Writes_the_canonical_form_and_reads_it_back(TagVector vector)
    {
        var tag = TagVectors.ReadTag(vector["input"]);

        var json = JsonSerializer.Serialize(tag);
        var read = JsonSerializer.Deserialize<Tag>(json);

        Assert.Equal(vector["canonical"].GetString(), json);
        Assert.Equal(tag, read);
    }

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Reads_the_input_as_written(TagVector vector)
    {
        Assert.Equal(vector["canonical"].GetString(), JsonSerializer.Deserialize<Tag>(vector["input"].GetRawText()).Canonical);
    }

    [Theory]
    [MemberData(nameof(StructureVectors))]
    public void Invalid_input_throws_a_JsonException_naming_the_rule(TagVector vector)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Tag>(vector["input"].GetRawText()));

        Assert.Contains($"({vector["rule"].GetString()})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(LimitVectors))]
    public void Size_limits_are_not_applied_when_reading(TagVector vector)
    {
        var tag = JsonSerializer.Deserialize<Tag>(vector["input"].GetRawText());

        Assert.Equal(vector["rule"].GetString(), TagLimits.Default.Check(tag)?.Rule);
    }

    [Fact]
    public void Structure_and_limit_vectors_cover_every_invalid_vector()
    {
        Assert.Equal(TagVectors.Root.GetProperty("invalid").GetArrayLength(), StructureVectors.Count<object[]>() + LimitVectors.Count<object[]>());
        Assert.NotEmpty(LimitVectors);
    }

    [Fact]
    public void Tags_inside_objects_and_lists_round_trip()
    {
        var value = new Dictionary<string, Tag[]> { ["tags"] = [["todos"], ["todo", 5, true], ["日本", "<>&"]] };

        var json = JsonSerializer.Serialize(value);
        var read = JsonSerializer.Deserialize<Dictionary<string, Tag[]>>(json)!;

        Assert.Equal("""{"tags":[["todos"],["todo",5,true],["日本","<>&"]]}""", json);
        Assert.Equal(value["tags"], read["tags"]);
    }

    [Fact]
    public void Indented_output_is_valid_json()
    {
        var json = JsonSerializer.Serialize(new[] { new Tag("todo", 5) }, new JsonSerializerOptions { WriteIndented = true });

        Assert.Equal([new Tag("todo", 5)], JsonSerializer.Deserialize<Tag[]>(json)!);
    }

    [Fact]
    public void Writing_a_default_tag_throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => JsonSerializer.Serialize(default(Tag)));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_continues_after_the_tag()
    {
        var read = JsonSerializer.Deserialize<(Tag, int)>("""{"Item1":["todo",5],"Item2":7}""", new JsonSerializerOptions { IncludeFields = true });

        Assert.Equal((new Tag("todo", 5), 7), read);
    }
}
