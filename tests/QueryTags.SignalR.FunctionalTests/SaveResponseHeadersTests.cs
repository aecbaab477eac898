using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QueryTags.SignalR.FunctionalTests.Infrastructure;

namespace QueryTags.SignalR.FunctionalTests;

/// <summary>
/// A request whose EF Core saves publish invalidations (the interceptor, no declaration on the endpoint) answers
/// with their ids and the latest cursor, as a declarative endpoint does, so the page that made the change can
/// <c>apply()</c> it and skip the push. Real Kestrel, a real SQLite file, the real SignalR client.
/// </summary>
public sealed class SaveResponseHeadersTests : IAsyncLifetime
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"querytags-headers-{Guid.NewGuid():N}.db");
    private KestrelServer? _server;

    private KestrelServer Server => _server!;

    public async Task InitializeAsync()
    {
        var builder = KestrelServer.AppBuilder();
        builder.Services.AddTagInvalidation().AddSignalR();
        builder.Services.AddDbContext<NotesDb>((services, options) => options
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = _database, Pooling = false }.ToString())
            .UseTagInvalidation(services));
        var app = builder.Build();
        app.MapTagInvalidation();
        app.MapPost("/notes", async (int count, NotesDb db) =>
        {
            // One save, one invalidation, per note.
            for (var i = 0; i < count; i++)
            {
                db.Notes.Add(new Note());
                await db.SaveChangesAsync();
            }

            return Results.Ok();
        });
        using (var scope = app.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<NotesDb>().Database.EnsureCreatedAsync();
        }

        _server = await KestrelServer.StartAsync(app);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task The_response_carries_the_id_of_each_save_it_published_and_the_latest_cursor(int saves)
    {
        await using var holder = await RawConnection.StartAsync(Server, Transport.WebSocketsJson);
        await holder.SubscribeAsync(["notes"]);
        using var http = Server.Http();

        using var response = await http.PostAsync($"/notes?count={saves}", null);

        response.EnsureSuccessStatusCode();
        var pushes = new List<InvalidationMessage>();
        for (var i = 0; i < saves; i++)
        {
            pushes.Add(await holder.NextAsync());
        }

        Assert.Equal(string.Join(", ", pushes.Select(push => push.Id)), Assert.Single(response.Headers.GetValues(InvalidationHeaders.Id)));
        Assert.Equal(pushes[^1].Cursor.ToString(), Assert.Single(response.Headers.GetValues(InvalidationHeaders.Cursor)));
    }

    [Fact]
    public async Task A_response_that_saved_nothing_carries_no_invalidation()
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("/notes?count=0", null);

        response.EnsureSuccessStatusCode();
        Assert.False(response.Headers.Contains(InvalidationHeaders.Id));
        Assert.False(response.Headers.Contains(InvalidationHeaders.Cursor));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }
    }

    public sealed class Note
    {
        public int Id { get; set; }
    }

    public sealed class NotesDb(DbContextOptions<NotesDb> options) : DbContext(options)
    {
        public DbSet<Note> Notes => Set<Note>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) =>
            modelBuilder.Entity<Note>().InvalidatesTags(note => [["notes"], ["note", note.Id]]);
    }
}
