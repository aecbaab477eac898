using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QueryTags.SignalR.Npgsql;

namespace QueryTags.SignalR.Tests.Npgsql.Capture;

public sealed class PostgresChangeCaptureOptionsTests
{
    [Theory]
    [InlineData("Capture", "SlotName must be 1 to 63 of a-z, 0-9 and _")]
    [InlineData("", "SlotName must be 1 to 63 of a-z, 0-9 and _")]
    public void A_slot_name_PostgreSQL_would_refuse_is_refused_with_its_rule(string slot, string expected)
    {
        var services = new ServiceCollection();
        services.AddTagInvalidation().AddPostgresChangeCapture(options =>
        {
            options.ConnectionString = "Host=127.0.0.1";
            options.SlotName = slot;
        });
        using var provider = services.BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PostgresChangeCaptureOptions>>().Value);

        Assert.Contains(expected, refused.Message);
    }

    [Fact]
    public void A_table_name_of_three_parts_is_refused()
    {
        var refused = Assert.Throws<ArgumentException>(() => new PostgresChangeCaptureOptions().MapTable("a.b.c", _ => []));

        Assert.Contains("'a.b.c' is not a table name: write it as name or schema.name.", refused.Message);
    }
}
