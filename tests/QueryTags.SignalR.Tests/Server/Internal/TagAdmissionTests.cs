using Microsoft.Extensions.Options;
using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class TagAdmissionTests
{
    [Fact]
    public void Refuses_each_bad_tag_by_index_rule_and_text_and_admits_the_others()
    {
        var (accepted, rejected) = Admission().Admit([new object?[] { "todo", 5 }, new object?[] { "todo", 1.5 }, "todos", new object?[] { "x" }], new ConnectionSubscriptions(8));

        Assert.Equal([new Tag("todo", 5), new Tag("x")], accepted);
        Assert.Equal([(1, "[\"todo\",1.5]", TagRules.SegmentType), (2, "\"todos\"", TagRules.NotAnArray)], rejected.Select(r => (r.Index, r.Tag, r.Rule)));
        Assert.All(rejected, rejection => Assert.StartsWith(TagRules.Describe(rejection.Rule), rejection.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Applies_the_size_limits_of_the_options()
    {
        var (_, rejected) = Admission(options => options.MaxSegmentLength = 3).Admit([new object?[] { "abcd" }], new ConnectionSubscriptions(8));

        Assert.Equal(TagRules.SegmentTooLong, Assert.Single(rejected).Rule);
    }

    [Fact]
    public void Counts_new_distinct_tags_against_the_connection_limit()
    {
        var held = new ConnectionSubscriptions(8);
        held.Hold(["a"], []);

        var (accepted, rejected) = Admission(options => options.MaxTagsPerConnection = 3)
            .Admit([new object?[] { "a" }, new object?[] { "b" }, new object?[] { "b" }, new object?[] { "c" }, new object?[] { "d" }], held);

        // "a" is held already and "b" counts once: "a", "b", "c" fill the three places.
        Assert.Equal([new Tag("a"), new Tag("b"), new Tag("b"), new Tag("c")], accepted);
        var rejection = Assert.Single(rejected);
        Assert.Equal((4, "[\"d\"]", TagRules.TooManyTagsHeld), (rejection.Index, rejection.Tag, rejection.Rule));
        Assert.Contains("it holds 3, at most 3", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Changes_nothing_it_is_given()
    {
        var held = new ConnectionSubscriptions(8);

        Admission().Admit([new object?[] { "a" }], held);

        Assert.Equal(0, held.Count);
    }

    private static TagAdmission Admission(Action<TagInvalidationOptions>? configure = null)
    {
        var options = new TagInvalidationOptions();
        configure?.Invoke(options);
        return new TagAdmission(Options.Create(options));
    }
}
