namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

internal static class TestTimeouts
{
    /// <summary>Every await in these tests is bounded, so a lost message fails the test instead of hanging the run.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Default);

    public static Task Within(this Task task) => task.WaitAsync(Default);
}
