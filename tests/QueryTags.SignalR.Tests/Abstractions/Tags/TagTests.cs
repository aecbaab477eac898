namespace QueryTags.SignalR.Tests.Abstractions.Tags;

public class TagTests
{
    [Fact]
    public void Collection_expression_builds_a_tag()
    {
        Tag tag = ["todo", 5];

        Assert.Equal(2, tag.Count);
        Assert.Equal(TagSegment.FromString("todo"), tag[0]);
        Assert.Equal(TagSegment.FromInteger(5), tag[1]);
        Assert.Equal("""["todo",5]""", tag.Canonical);
    }

    [Fact]
    public void Nested_collection_expressions_build_a_list_of_tags()
    {
        IEnumerable<Tag> tags = [["todos"], ["todo", 5L], ["flag", true]];

        Assert.Equal(["""["todos"]""", """["todo",5]""", """["flag",true]"""], tags.Select(t => t.Canonical));
    }

    [Fact]
    public void Constructor_and_collection_expression_agree()
    {
        Tag fromExpression = ["org", "acme", 7, false];

        Assert.Equal(new Tag("org", "acme", 7, false), fromExpression);
    }

    [Fact]
    public void Equal_tags_are_equal_and_hash_alike()
    {
        Tag a = ["todo", 5];
        var b = Tag.Parse("""[ "todo" , 5 ]""");

        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Single(new HashSet<Tag> { a, b });
    }

    [Theory]
    [InlineData("""["todo",5]""", """["todo",6]""")]
    [InlineData("""["todo",5]""", """["todo","5"]""")]
    [InlineData("""[true]""", """["true"]""")]
    [InlineData("""["todo"]""", """["todo",5]""")]
    public void Different_tags_are_not_equal(string left, string right)
    {
        var a = Tag.Parse(left);
        var b = Tag.Parse(right);

        Assert.False(a.Equals(b));
        Assert.False(a == b);
        Assert.True(a != b);
        Assert.Equal(2, new HashSet<Tag> { a, b }.Count);
    }

    [Fact]
    public void A_tag_is_not_equal_to_its_canonical_string()
    {
        Tag tag = ["todo"];

        Assert.False(tag.Equals((object)tag.Canonical));
        Assert.Equal(tag.Canonical, tag.ToString());
    }

    [Fact]
    public void Prefix_takes_the_leading_segments()
    {
        Tag tag = ["org", "acme", 5, true];

        Assert.Equal(new Tag("org"), tag.Prefix(1));
        Assert.Equal(new Tag("org", "acme", 5), tag.Prefix(3));
        Assert.Equal(tag, tag.Prefix(4));
        Assert.Equal("""["org","acme",5]""", tag.Prefix(3).Canonical);
    }

    [Fact]
    public void PrefixCanonical_equals_the_prefix_canonical_form()
    {
        Tag tag = ["say \"hi\"", "日本", -3, false, "\n"];

        for (var length = 1; length <= tag.Count; length++)
        {
            Assert.Equal(tag.Prefix(length).Canonical, tag.PrefixCanonical(length));
        }

        Assert.Equal("""["say \"hi\"","日本"]""", tag.PrefixCanonical(2));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-1)]
    public void Prefix_out_of_range_throws(int length)
    {
        Tag tag = ["todo", 5];

        Assert.Throws<ArgumentOutOfRangeException>(() => tag.Prefix(length));
        Assert.Throws<ArgumentOutOfRangeException>(() => tag.PrefixCanonical(length));
    }

    [Fact]
    public void A_default_tag_is_told_by_IsDefault_and_can_be_compared_and_shown()
    {
        var tag = default(Tag);
        var count = tag.Count;

        Assert.True(tag.IsDefault);
        Assert.False(new Tag("todo").IsDefault);
        Assert.Equal(0, count);
        Assert.Equal(default, tag);
        Assert.NotEqual(new Tag("todo"), tag);
        Assert.Equal(0, tag.GetHashCode());
        Assert.Equal("[]", tag.ToString());
    }

    [Fact]
    public void A_default_tag_throws_from_every_member_that_reads_it_with_one_sentence()
    {
        var tag = default(Tag);
        const string Sentence = "default(Tag) breaks rule empty: a tag needs at least one segment; build a tag from its segments, such as [\"todo\", 5].";

        Assert.All(
            new Action[]
            {
                () => _ = tag.Canonical,
                () => _ = tag[0],
                () => tag.GetEnumerator(),
                () => tag.Matches(["todo"]),
                () => new Tag("todo").Matches(tag),
                () => tag.Prefix(1),
            },
            use => Assert.Equal(Sentence, Assert.Throws<InvalidOperationException>(use).Message));
    }

    [Fact]
    public void Tag_without_segments_throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new Tag());

        Assert.Contains(TagRules.Describe(TagRules.Empty), error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Tag.Create([]));
    }

    [Fact]
    public void Tag_copies_its_segments()
    {
        TagSegment[] segments = ["todo", 5];
        var tag = new Tag(segments);

        segments[1] = 6;

        Assert.Equal("""["todo",5]""", tag.Canonical);
        Assert.Equal(5, tag[1].IntegerValue);
    }

    [Fact]
    public void Enumerates_its_segments_in_order()
    {
        Tag tag = ["a", 1, true];

        Assert.Equal([TagSegment.FromString("a"), TagSegment.FromInteger(1), TagSegment.FromBoolean(true)], tag.ToArray());
    }

    [Fact]
    public void Matches_prefixes_only()
    {
        Tag todo = ["todo"];
        Tag todo5 = ["todo", 5];

        Assert.True(todo.Matches(todo5));
        Assert.True(todo.Matches(["todo", 5, "comments"]));
        Assert.True(todo5.Matches(todo5));
        Assert.False(todo5.Matches(todo));
        Assert.False(todo5.Matches(["todo", 6]));
        Assert.False(todo5.Matches(["todo", "5"]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("todo")]
    [InlineData("[\"todo\",]")]
    [InlineData("[\"todo\"] extra")]
    public void Parse_refuses_text_that_is_not_json(string text)
    {
        var error = Assert.Throws<FormatException>(() => Tag.Parse(text));

        Assert.Contains("is not JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_refuses_null()
    {
        Assert.Throws<ArgumentNullException>(() => Tag.Parse(null!));
    }
}
