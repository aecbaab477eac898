using System.Text.Json;

namespace QueryTags.SignalR.Tests.Abstractions.Tags;

/// <summary>Runs every shared vector through the C# tag rules.</summary>
public class TagVectorTests
{
    public static TheoryData<TagVector> CanonicalVectors => TagVectors.Section("canonical");

    public static TheoryData<TagVector> MatchVectors => TagVectors.Section("matches");

    public static TheoryData<TagVector> InvalidVectors => TagVectors.Section("invalid");

    [Fact]
    public void Vector_limits_are_the_default_limits()
    {
        // Tag.Parse and the server defaults apply TagLimits.Default; the vectors are written against the same.
        Assert.Equal(TagLimits.Default, TagVectors.Limits);
    }

    [Fact]
    public void Every_section_has_vectors()
    {
        Assert.NotEmpty(CanonicalVectors);
        Assert.NotEmpty(MatchVectors);
        Assert.NotEmpty(InvalidVectors);
    }

    [Fact]
    public void Every_rule_has_the_sentence_of_the_vectors()
    {
        // The TypeScript client checks its sentences against the same section, so both sides explain a rule alike.
        var sentences = TagVectors.Root.GetProperty("rules").EnumerateObject().ToDictionary(rule => rule.Name, rule => rule.Value.GetString());
        var rules = typeof(TagRules).GetFields().Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!).ToList();

        Assert.Equal(rules.Order(), sentences.Keys.Order());
        Assert.All(rules, rule => Assert.Equal(sentences[rule], TagRules.Describe(rule)));
    }

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Reading_input_gives_the_canonical_form(TagVector vector)
    {
        var result = TagReader.Read(vector["input"], TagVectors.Limits);

        Assert.Null(result.Rule);
        Assert.Equal(vector["canonical"].GetString(), result.Tag!.Value.Canonical);
    }

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Canonical_form_parses_back_to_the_same_tag(TagVector vector)
    {
        var canonical = vector["canonical"].GetString()!;
        var expected = TagVectors.ReadTag(vector["input"]);

        var parsed = Tag.Parse(canonical);

        Assert.Equal(canonical, parsed.Canonical);
        Assert.Equal(expected, parsed);
        Assert.Equal(expected.ToArray(), parsed.ToArray());
    }

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Input_text_parses_to_the_canonical_form(TagVector vector)
    {
        // The raw text keeps the file's escapes (\u0001, \u2028) and spacing, so this also exercises JSON unescaping.
        Assert.Equal(vector["canonical"].GetString(), Tag.Parse(vector["input"].GetRawText()).Canonical);
    }

    [Theory]
    [MemberData(nameof(CanonicalVectors))]
    public void Canonical_form_decodes_to_the_input(TagVector vector)
    {
        // An independent check of the vector file itself: decoding canonical as JSON gives the input's values.
        using var canonical = JsonDocument.Parse(vector["canonical"].GetString()!);
        Assert.True(JsonElement.DeepEquals(vector["input"], canonical.RootElement));
    }

    [Theory]
    [MemberData(nameof(MatchVectors))]
    public void Matches_follow_the_vectors(TagVector vector)
    {
        var invalidate = TagVectors.ReadTag(vector["invalidate"]);
        var held = TagVectors.ReadTag(vector["held"]);

        Assert.Equal(vector["match"].GetBoolean(), invalidate.Matches(held));
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void Reader_refuses_invalid_input_with_its_rule(TagVector vector)
    {
        var rule = vector["rule"].GetString()!;

        var result = TagReader.Read(vector["input"], TagVectors.Limits);

        Assert.Null(result.Tag);
        Assert.NotNull(result.Rule);
        Assert.Equal(rule, result.Rule);
        Assert.StartsWith(TagRules.Describe(rule), result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void Parse_throws_a_FormatException_naming_the_rule(TagVector vector)
    {
        var rule = vector["rule"].GetString()!;

        var error = Assert.Throws<FormatException>(() => Tag.Parse(vector["input"].GetRawText()));

        Assert.Contains($"({rule})", error.Message, StringComparison.Ordinal);
    }
}
