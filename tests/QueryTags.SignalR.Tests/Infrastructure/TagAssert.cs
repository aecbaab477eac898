namespace QueryTags.SignalR.Tests.Infrastructure;

internal static class TagAssert
{
    /// <summary>The tags are distinct and are exactly <paramref name="expected"/>, in any order.</summary>
    public static void Equivalent(IReadOnlyList<Tag> actual, params Tag[] expected)
    {
        Assert.Distinct(actual);
        Assert.Equal(expected.Select(tag => tag.Canonical).Order(StringComparer.Ordinal), actual.Select(tag => tag.Canonical).Order(StringComparer.Ordinal));
    }
}
