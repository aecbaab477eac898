using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>Refuses outbox options the relay cannot run with, naming the option and what it accepts.</summary>
internal sealed class TagInvalidationOutboxOptionsValidator : IValidateOptions<TagInvalidationOutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, TagInvalidationOutboxOptions options)
    {
        List<string> failures = [];
        if (options.BatchSize is < 1 or > 10_000)
        {
            failures.Add($"TagInvalidationOutboxOptions.BatchSize of {name} is {options.BatchSize}; set 1 to 10,000.");
        }

        if (options.PollInterval <= TimeSpan.Zero || options.PollInterval == Timeout.InfiniteTimeSpan)
        {
            failures.Add($"TagInvalidationOutboxOptions.PollInterval of {name} is {options.PollInterval}; set a positive, finite interval.");
        }

        if (options.MaxRetryDelay <= TimeSpan.Zero || options.MaxRetryDelay == Timeout.InfiniteTimeSpan)
        {
            failures.Add($"TagInvalidationOutboxOptions.MaxRetryDelay of {name} is {options.MaxRetryDelay}; set a positive, finite delay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
