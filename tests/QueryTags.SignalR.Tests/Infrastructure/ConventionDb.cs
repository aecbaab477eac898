using Microsoft.EntityFrameworkCore;

namespace QueryTags.SignalR.Tests.Infrastructure;

internal sealed class TodoList
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}

internal sealed class Label
{
    public string Code { get; set; } = "";
}

internal sealed class Attachment
{
    public Guid Id { get; set; }
}

internal sealed class TodoLabel
{
    public int TodoId { get; set; }

    public string LabelCode { get; set; } = "";
}

internal readonly record struct OrderId(int Value);

internal sealed class Order
{
    public OrderId Id { get; set; }
}

internal sealed class Ledger
{
    public long Id { get; set; }
}

internal sealed class Comment
{
    public int Id { get; set; }

    public int TodoId { get; set; }
}

internal sealed class AuditEntry
{
    public int Id { get; set; }
}

internal class Animal
{
    public int Id { get; set; }
}

internal sealed class Dog : Animal
{
    public string Name { get; set; } = "";
}

/// <summary>
/// Entity types under the convention: an int key, a string key, a Guid key, a composite key, a strongly typed id
/// stored as an int, a long key; one type declares its own tags, one opts out with none, and a derived type takes
/// its base type's declaration.
/// </summary>
internal sealed class ConventionDb(DbContextOptions<ConventionDb> options) : DbContext(options)
{
    public DbSet<TodoList> Lists => Set<TodoList>();

    public DbSet<Label> Labels => Set<Label>();

    public DbSet<Attachment> Attachments => Set<Attachment>();

    public DbSet<TodoLabel> TodoLabels => Set<TodoLabel>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<Ledger> Ledgers => Set<Ledger>();

    public DbSet<Comment> Comments => Set<Comment>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Animal> Animals => Set<Animal>();

    public DbSet<Dog> Dogs => Set<Dog>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.UseTagInvalidationConvention();
        modelBuilder.Entity<Label>().HasKey(label => label.Code);
        modelBuilder.Entity<TodoLabel>().HasKey(link => new { link.TodoId, link.LabelCode });
        modelBuilder.Entity<Order>().Property(order => order.Id)
            .HasConversion(id => id.Value, value => new OrderId(value))
            .ValueGeneratedNever();
        modelBuilder.Entity<Ledger>().Property(ledger => ledger.Id).ValueGeneratedNever();
        modelBuilder.Entity<Comment>().InvalidatesTags(comment => [["comments", comment.TodoId]]);
        modelBuilder.Entity<AuditEntry>().InvalidatesTags(_ => []);
        modelBuilder.Entity<Animal>().InvalidatesTags(animal => [["animal", animal.Id]]);
    }
}
