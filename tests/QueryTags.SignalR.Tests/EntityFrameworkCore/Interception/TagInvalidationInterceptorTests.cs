using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace QueryTags.SignalR.Tests.EntityFrameworkCore.Internal;

/// <summary>
/// The interceptor on a real SQLite database: what one save publishes, and that it publishes once the data is
/// committed (a second connection sees it when the invalidator is called), and never for a save or a transaction
/// that does not commit.
/// </summary>
public sealed class TagInvalidationInterceptorTests : SqliteTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_added_entity_publishes_its_tags_with_the_key_the_database_gave_it_once_committed(bool async)
    {
        var committed = -1L;
        Invalidator.OnInvalidate = _ => committed = Database.ReadCommitted("SELECT COUNT(*) FROM Todos");
        using var db = Database.Todos();
        var todo = new Todo { Title = "milk", ListId = 1 };
        db.Todos.Add(todo);

        await SaveAsync(db, async);

        var call = Assert.Single(Invalidator.Calls);
        Assert.True(todo.Id > 0);
        TagAssert.Equivalent(call, ["todos"], ["todo", todo.Id], ["list", 1]);
        Assert.Equal(1, committed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_modified_entity_publishes_its_tags(bool async)
    {
        var todo = await ChangeSeededTodoAsync(listId: 1, (_, changed) => changed.Done = true, async);

        TagAssert.Equivalent(Assert.Single(Invalidator.Calls), ["todos"], ["todo", todo.Id], ["list", 1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_entity_moved_between_two_tag_values_publishes_both(bool async)
    {
        var todo = await ChangeSeededTodoAsync(listId: 1, (_, changed) => changed.ListId = 2, async);

        TagAssert.Equivalent(Assert.Single(Invalidator.Calls), ["todos"], ["todo", todo.Id], ["list", 2], ["list", 1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_deleted_entity_publishes_its_tags(bool async)
    {
        var todo = await ChangeSeededTodoAsync(listId: 3, (db, changed) => db.Todos.Remove(changed), async);

        TagAssert.Equivalent(Assert.Single(Invalidator.Calls), ["todos"], ["todo", todo.Id], ["list", 3]);
        Assert.Equal(0, Database.ReadCommitted("SELECT COUNT(*) FROM Todos"));
    }

    [Fact]
    public async Task A_save_with_no_change_publishes_nothing()
    {
        Database.Seed(new Todo { Title = "milk", ListId = 1 });
        using var db = Database.Todos();
        _ = db.Todos.Single();

        Assert.Equal(0, await db.SaveChangesAsync());

        Assert.Empty(Invalidator.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Saves_in_a_transaction_publish_once_after_it_commits(bool async)
    {
        using var db = Database.Todos();
        using var transaction = async ? await db.Database.BeginTransactionAsync() : db.Database.BeginTransaction();
        var milk = new Todo { Title = "milk", ListId = 1 };
        db.Todos.Add(milk);
        await SaveAsync(db, async);
        var bread = new Todo { Title = "bread", ListId = 2 };
        db.Todos.Add(bread);
        milk.Done = true;
        await SaveAsync(db, async);
        Assert.Empty(Invalidator.Calls);
        Assert.Equal(0, Database.ReadCommitted("SELECT COUNT(*) FROM Todos"));

        var committed = -1L;
        Invalidator.OnInvalidate = _ => committed = Database.ReadCommitted("SELECT COUNT(*) FROM Todos");
        if (async)
        {
            await transaction.CommitAsync();
        }
        else
        {
            transaction.Commit();
        }

        TagAssert.Equivalent(Assert.Single(Invalidator.Calls), ["todos"], ["todo", milk.Id], ["list", 1], ["todo", bread.Id], ["list", 2]);
        Assert.Equal(2, committed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Saves_in_a_transaction_that_rolls_back_publish_nothing(bool async)
    {
        using var db = Database.Todos();
        using (var transaction = async ? await db.Database.BeginTransactionAsync() : db.Database.BeginTransaction())
        {
            db.Todos.Add(new Todo { Title = "milk", ListId = 1 });
            await SaveAsync(db, async);
            if (async)
            {
                await transaction.RollbackAsync();
            }
            else
            {
                transaction.Rollback();
            }
        }

        Assert.Empty(Invalidator.Calls);
        Assert.Equal(0, Database.ReadCommitted("SELECT COUNT(*) FROM Todos"));

        // The rolled-back tags are gone: the next save publishes its own alone.
        await AssertTheNextSavePublishesItsOwnTagsAloneAsync(db, async);
    }

    [Fact]
    public async Task Saves_in_a_transaction_disposed_without_a_commit_publish_nothing_then_or_later()
    {
        using var db = Database.Todos();
        await using (await db.Database.BeginTransactionAsync())
        {
            db.Todos.Add(new Todo { Title = "milk", ListId = 1 });
            await db.SaveChangesAsync();
        }

        db.ChangeTracker.Clear();
        await using (var next = await db.Database.BeginTransactionAsync())
        {
            await next.CommitAsync();
        }

        Assert.Empty(Invalidator.Calls);
        await AssertTheNextSavePublishesItsOwnTagsAloneAsync(db, async: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_save_that_throws_publishes_nothing(bool async)
    {
        Database.Seed(new Todo { Title = "milk", ListId = 1 });
        using var db = Database.Todos();
        db.Todos.Add(new Todo { Title = "milk", ListId = 5 });

        await Assert.ThrowsAsync<DbUpdateException>(() => SaveAsync(db, async));

        Assert.Empty(Invalidator.Calls);

        // Its tags are dropped, not carried into the next save.
        await AssertTheNextSavePublishesItsOwnTagsAloneAsync(db, async);
    }

    [Fact]
    public async Task A_save_that_throws_inside_a_transaction_leaves_out_only_its_own_tags_at_the_commit()
    {
        Database.Seed(new Todo { Title = "milk", ListId = 1 });
        using var db = Database.Todos();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var bread = new Todo { Title = "bread", ListId = 2 };
        db.Todos.Add(bread);
        await db.SaveChangesAsync();
        var duplicate = db.Todos.Add(new Todo { Title = "milk", ListId = 5 });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        duplicate.State = EntityState.Detached;

        await transaction.CommitAsync();

        TagAssert.Equivalent(Assert.Single(Invalidator.Calls), ["todos"], ["todo", bread.Id], ["list", 2]);
        Assert.Equal(2, Database.ReadCommitted("SELECT COUNT(*) FROM Todos"));
    }

    [Fact]
    public async Task A_save_of_500_entities_publishes_once_with_distinct_tags()
    {
        using var db = Database.Todos();
        var todos = Enumerable.Range(0, 500).Select(i => new Todo { Title = $"todo {i}", ListId = i % 5 }).ToList();
        db.Todos.AddRange(todos);
        await db.SaveChangesAsync();
        foreach (var todo in todos)
        {
            todo.ListId = (todo.ListId + 1) % 5;
        }

        await db.SaveChangesAsync();

        Assert.Equal(2, Invalidator.Calls.Count);
        foreach (var call in Invalidator.Calls)
        {
            Assert.Distinct(call);
            Assert.Equal(1 + 500 + 5, call.Count);
            Assert.All(todos, todo => Assert.Contains(["todo", todo.Id], call));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_publish_leaves_the_save_successful_and_is_logged_and_counted(bool async)
    {
        var failure = new InvalidOperationException("The invalidation log is unreachable.");
        Invalidator.Failure = failure;
        using var failed = new CounterRecorder(Database.Meters, "querytags.efcore.publish.failed");
        using var db = Database.Todos();
        var todo = new Todo { Title = "milk", ListId = 1 };
        db.Todos.Add(todo);

        var saved = async ? await db.SaveChangesAsync() : db.SaveChanges();

        Assert.Equal(1, saved);
        Assert.Equal(1, Database.ReadCommitted("SELECT COUNT(*) FROM Todos"));
        Assert.Equal(EntityState.Unchanged, db.Entry(todo).State);
        var log = Assert.Single(Database.Logs.Logger.Entries, entry => entry.Event.Id == 1);
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.Same(failure, log.Exception);
        Assert.Contains($"[\"todo\",{todo.Id}]", log.Message);
        var measurement = Assert.Single(failed.Measurements);
        Assert.Equal(1, measurement.Value);
        Assert.Equal(typeof(InvalidOperationException).FullName, measurement.Tags["error.type"]);
    }

    [Fact]
    public async Task A_failed_publish_after_a_commit_leaves_the_commit_done()
    {
        Invalidator.Failure = new TimeoutException("The invalidator timed out.");
        using var failed = new CounterRecorder(Database.Meters, "querytags.efcore.publish.failed");
        using var db = Database.Todos();
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Todos.Add(new Todo { Title = "milk", ListId = 1 });
        await db.SaveChangesAsync();

        await transaction.CommitAsync();

        Assert.Single(Invalidator.Calls);
        Assert.Equal(1, Database.ReadCommitted("SELECT COUNT(*) FROM Todos"));
        Assert.Single(failed.Measurements);
        Assert.Single(Database.Logs.Logger.Entries, entry => entry.Event.Id == 1);
    }

    [Fact]
    public async Task A_tag_function_that_throws_is_logged_and_counted_and_the_other_tags_are_published()
    {
        using var failed = new CounterRecorder(Database.Meters, "querytags.efcore.tags.failed");
        using var db = Database.Todos();
        db.Notes.Add(new Note { Text = Note.Throws });
        var todo = new Todo { Title = "milk", ListId = 1 };
        db.Todos.Add(todo);

        Assert.Equal(2, await db.SaveChangesAsync());

        TagAssert.Equivalent(Assert.Single(Invalidator.Calls), ["todos"], ["todo", todo.Id], ["list", 1]);
        var log = Assert.Single(Database.Logs.Logger.Entries, entry => entry.Event.Id == 2);
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.Contains(nameof(Note), log.Message);
        Assert.Single(failed.Measurements);
    }

    [Fact]
    public async Task The_publish_is_not_cancelled_with_the_save()
    {
        using var db = Database.Todos();
        db.Todos.Add(new Todo { Title = "milk", ListId = 1 });
        using var cancellation = new CancellationTokenSource();

        await db.SaveChangesAsync(cancellation.Token);

        Assert.False(Assert.Single(Invalidator.Tokens).CanBeCanceled);
    }

    // Seeds a todo in a list, then loads, changes and saves it through a context with tag invalidation.
    private async Task<Todo> ChangeSeededTodoAsync(int listId, Action<TodoDb, Todo> change, bool async)
    {
        Database.Seed(new Todo { Title = "milk", ListId = listId });
        using var db = Database.Todos();
        var todo = db.Todos.Single();
        change(db, todo);
        await SaveAsync(db, async);
        return todo;
    }

    // With nothing published before, a new todo saved through db is the one invalidation, with its tags alone.
    private async Task AssertTheNextSavePublishesItsOwnTagsAloneAsync(TodoDb db, bool async)
    {
        db.ChangeTracker.Clear();
        var bread = new Todo { Title = "bread", ListId = 42 };
        db.Todos.Add(bread);
        await SaveAsync(db, async);
        TagAssert.Equivalent(Assert.Single(Invalidator.Calls), ["todos"], ["todo", bread.Id], ["list", 42]);
    }

    private static Task<int> SaveAsync(DbContext db, bool async) => async ? db.SaveChangesAsync() : Task.FromResult(db.SaveChanges());
}
