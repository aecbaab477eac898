namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>A test class whose every test gets a fresh <see cref="SqliteTestDatabase"/>.</summary>
public abstract class SqliteTests : IDisposable
{
    internal SqliteTestDatabase Database { get; } = new();

    internal RecordingTagInvalidator Invalidator => Database.Invalidator;

    public void Dispose()
    {
        Database.Dispose();
        GC.SuppressFinalize(this);
    }
}
