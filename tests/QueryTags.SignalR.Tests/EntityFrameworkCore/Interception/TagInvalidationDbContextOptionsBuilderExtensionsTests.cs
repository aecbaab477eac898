using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace QueryTags.SignalR.Tests.EntityFrameworkCore;

/// <summary>The one call in <c>AddDbContext</c>, with the app's services, and with pooled contexts.</summary>
public sealed class TagInvalidationDbContextOptionsBuilderExtensionsTests : SqliteTests
{
    [Fact]
    public async Task UseTagInvalidation_takes_the_apps_invalidator_from_its_services()
    {
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<ITagInvalidator>(Invalidator)
            .AddDbContext<TodoDb>((provider, options) => options.UseSqlite(Database.ConnectionString).UseTagInvalidation(provider))
            .BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TodoDb>();
        var todo = new Todo { Title = "milk", ListId = 1 };
        db.Todos.Add(todo);

        await db.SaveChangesAsync();

        TagAssert.Equivalent(Assert.Single(Invalidator.Calls), ["todos"], ["todo", todo.Id], ["list", 1]);
    }

    [Fact]
    public void UseTagInvalidation_without_an_invalidator_says_what_to_register()
    {
        using var services = new ServiceCollection()
            .AddDbContext<TodoDb>((provider, options) => options.UseSqlite(Database.ConnectionString).UseTagInvalidation(provider))
            .BuildServiceProvider();
        using var scope = services.CreateScope();

        var exception = Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<TodoDb>());

        Assert.Contains("AddTagInvalidation()", exception.Message);
    }

    [Fact]
    public async Task A_pooled_context_carries_nothing_of_its_last_use_into_the_next()
    {
        await using var services = new ServiceCollection()
            .AddSingleton<ITagInvalidator>(Invalidator)
            .AddDbContextPool<TodoDb>((provider, options) => options.UseSqlite(Database.ConnectionString).UseTagInvalidation(provider))
            .BuildServiceProvider();
        TodoDb first;
        await using (var scope = services.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<TodoDb>();
            await first.Database.BeginTransactionAsync();
            first.Todos.Add(new Todo { Title = "milk", ListId = 1 });
            await first.SaveChangesAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var second = scope.ServiceProvider.GetRequiredService<TodoDb>();
            Assert.Same(first, second);
            var bread = new Todo { Title = "bread", ListId = 2 };
            second.Todos.Add(bread);
            await second.SaveChangesAsync();

            TagAssert.Equivalent(Assert.Single(Invalidator.Calls), ["todos"], ["todo", bread.Id], ["list", 2]);
        }

        Assert.Equal(1, Database.ReadCommitted("SELECT COUNT(*) FROM Todos"));
    }
}
