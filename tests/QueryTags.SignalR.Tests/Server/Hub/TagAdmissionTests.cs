using QueryTags.SignalR.Internal;

namespace QueryTags.SignalR.Tests.Server.Internal;

public class TagAdmissionTests
{
    [Fact]
    public async Task Refuses_each_bad_tag_by_index_rule_and_text_and_admits_the_others()
    {
        var (accepted, rejected) = await Admit(Admission().AdmitAsync([new object?[] { "todo", 5 }, new object?[] { "todo", 1.5 }, "todos", new object?[] { "x" }], Caller, new ConnectionSubscriptions(8)));

        Assert.Equal([new Tag("todo", 5), new Tag("x")], accepted);
        Assert.Equal([(1, "[\"todo\",1.5]", TagRules.SegmentType), (2, "\"todos\"", TagRules.NotAnArray)], rejected.Select(r => (r.Index, r.Tag, r.Rule)));
        Assert.All(rejected, rejection => Assert.StartsWith(TagRules.Describe(rejection.Rule), rejection.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Applies_the_size_limits_of_the_options()
    {
        var (_, rejected) = await Admit(Admission(options => options.MaxSegmentLength = 3).AdmitAsync([new object?[] { "abcd" }], Caller, new ConnectionSubscriptions(8)));

        Assert.Equal(TagRules.SegmentTooLong, Assert.Single(rejected).Rule);
    }

    [Fact]
    public async Task Counts_new_distinct_tags_against_the_connection_limit()
    {
        var held = new ConnectionSubscriptions(8);
        held.Hold(["a"], []);

        var (accepted, rejected) = await Admit(Admission(options => options.MaxTagsPerConnection = 3)
            .AdmitAsync([new object?[] { "a" }, new object?[] { "b" }, new object?[] { "b" }, new object?[] { "c" }, new object?[] { "d" }], Caller, held));

        // "a" is held already and "b" counts once: "a", "b", "c" fill the three places.
        Assert.Equal([new Tag("a"), new Tag("b"), new Tag("b"), new Tag("c")], accepted);
        var rejection = Assert.Single(rejected);
        Assert.Equal((4, "[\"d\"]", TagRules.TooManyTagsHeld), (rejection.Index, rejection.Tag, rejection.Rule));
        Assert.Contains("it holds 3, at most 3", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counts_the_groups_a_tag_would_join_against_the_connection_budget()
    {
        var held = new ConnectionSubscriptions(8);
        held.Hold(["todo", 1], []);

        // ["todo"] and ["todo",1] are joined already; ["todo",2] needs one group, ["user",1] two, and shared
        // prefixes within the call count once.
        var (accepted, rejected) = await Admit(Admission(options => options.MaxGroupsPerConnection = 5)
            .AdmitAsync([new object?[] { "todo", 2 }, new object?[] { "todo", 1 }, new object?[] { "user", 1 }, new object?[] { "user", 2 }], Caller, held));

        Assert.Equal([new Tag("todo", 2), new Tag("todo", 1), new Tag("user", 1)], accepted);
        var rejection = Assert.Single(rejected);
        Assert.Equal((3, "[\"user\",2]", TagRules.TooManyGroups), (rejection.Index, rejection.Tag, rejection.Rule));
        Assert.Equal($"{TagRules.Describe(TagRules.TooManyGroups)}: it is in 5, the tag needs 1 more, at most 5", rejection.Reason);
    }

    [Fact]
    public async Task Counts_the_text_of_held_tags_and_groups_against_the_connection_budget()
    {
        var held = new ConnectionSubscriptions(8);

        // ["ab"] keeps its canonical text twice (the tag, and its group): 6 + 6 characters.
        var (accepted, rejected) = await Admit(Admission(options => options.MaxTagTextPerConnection = 20)
            .AdmitAsync([new object?[] { "ab" }, new object?[] { "cd" }, new object?[] { "e" }], Caller, held));

        Assert.Equal([new Tag("ab")], accepted);
        Assert.Equal([(1, TagRules.TooMuchTagText), (2, TagRules.TooMuchTagText)], rejected.Select(r => (r.Index, r.Rule)));
        Assert.Contains("it keeps 12 characters, the tag needs 12 more, at most 20", rejected[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tag_held_already_costs_nothing_again()
    {
        var held = new ConnectionSubscriptions(8);
        held.Hold(["todo", 1], []);

        var (accepted, rejected) = await Admit(Admission(options => (options.MaxGroupsPerConnection, options.MaxTagTextPerConnection) = (2, held.TextLength))
            .AdmitAsync([new object?[] { "todo", 1 }], Caller, held));

        Assert.Equal([new Tag("todo", 1)], accepted);
        Assert.Empty(rejected);
    }

    [Fact]
    public async Task Holds_what_it_accepts_once_and_says_which_groups_to_join()
    {
        var held = new ConnectionSubscriptions(8);
        held.Hold(["todo"], []);

        var admitted = await Admission().AdmitAsync([new object?[] { "todo", 5 }, new object?[] { "todo" }, new object?[] { "todo", 5 }], Caller, held);

        Assert.Equal([new Tag("todo", 5), new Tag("todo"), new Tag("todo", 5)], admitted.Accepted);
        Assert.Equal([new Tag("todo", 5)], admitted.NewlyHeld);
        Assert.Equal(["qt:[\"todo\",5]"], admitted.GroupsToJoin);
        Assert.Equal(2, held.Count);
    }

    [Fact]
    public async Task Undone_it_holds_nothing_it_held()
    {
        var held = new ConnectionSubscriptions(8);
        held.Hold(["todo"], []);
        var before = (held.Count, held.GroupCount, held.TextLength);
        var admitted = await Admission().AdmitAsync([new object?[] { "todo", 5 }, new object?[] { "user", 1 }], Caller, held);

        admitted.Undo(held);

        Assert.Equal(before, (held.Count, held.GroupCount, held.TextLength));
        Assert.True(held.Holds(["todo"]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public async Task A_budget_of_exactly_what_holding_takes_admits_every_tag_and_one_less_refuses_the_last(int maxGroupDepth)
    {
        object?[] tags = [new object?[] { "todo", 5, "comments" }, new object?[] { "todo", 6 }, new object?[] { "todo", 5 }, new object?[] { "user", 1, "todo", 5 }];
        var measured = new ConnectionSubscriptions(maxGroupDepth);
        foreach (var tag in tags)
        {
            measured.Hold(TagReader.Read(tag).Tag!.Value, []);
        }

        var exact = await Admission(options => (options.MaxGroupDepth, options.MaxGroupsPerConnection, options.MaxTagTextPerConnection) = (maxGroupDepth, measured.GroupCount, measured.TextLength))
            .AdmitAsync(tags, Caller, new ConnectionSubscriptions(maxGroupDepth));
        var fewerGroups = await Admission(options => (options.MaxGroupDepth, options.MaxGroupsPerConnection) = (maxGroupDepth, measured.GroupCount - 1))
            .AdmitAsync(tags, Caller, new ConnectionSubscriptions(maxGroupDepth));
        var lessText = await Admission(options => (options.MaxGroupDepth, options.MaxTagTextPerConnection) = (maxGroupDepth, measured.TextLength - 1))
            .AdmitAsync(tags, Caller, new ConnectionSubscriptions(maxGroupDepth));

        Assert.Empty(exact.Rejected);
        Assert.Equal((3, TagRules.TooManyGroups), (Assert.Single(fewerGroups.Rejected).Index, fewerGroups.Rejected[0].Rule));
        Assert.Equal((3, TagRules.TooMuchTagText), (Assert.Single(lessText.Rejected).Index, lessText.Rejected[0].Rule));
    }

    private static async Task<(List<Tag> Accepted, List<TagRejection> Rejected)> Admit(ValueTask<AdmittedTags> admitting)
    {
        var admitted = await admitting;
        return (admitted.Accepted, admitted.Rejected);
    }

    private static TestHubCallerContext Caller => new("connection");

    private static TagAdmission Admission(Action<TagInvalidationOptions>? configure = null) => new TestServices(configure).Admission;
}
