using QueryTags.SignalR.EntityFrameworkCore.Internal;

// EF Core's analyzer takes any "EntityFrameworkCore.Internal" namespace for its own internals; this one is ours.
#pragma warning disable EF1001

namespace QueryTags.SignalR.Tests.EntityFrameworkCore.Internal;

public sealed class ConventionTagsTests
{
    public static TheoryData<object, string> Keys => new()
    {
        { 5, "5" },
        { (short)-3, "-3" },
        { (byte)200, "200" },
        { 9_007_199_254_740_991L, "9007199254740991" },
        { 9_007_199_254_740_992L, "\"9007199254740992\"" },
        { -9_007_199_254_740_992L, "\"-9007199254740992\"" },
        { 42UL, "42" },
        { ulong.MaxValue, "\"18446744073709551615\"" },
        { true, "true" },
        { "urgent", "\"urgent\"" },
        { Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "\"0f8fad5b-d9cb-469f-a165-70867728950e\"" },
        { 1.5m, "\"1.5\"" },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_key_becomes_an_integer_a_boolean_or_its_invariant_text(object key, string segment)
    {
        Tag tag = ["x", ConventionTags.SegmentOf(key)];

        Assert.Equal($"[\"x\",{segment}]", tag.Canonical);
    }
}
