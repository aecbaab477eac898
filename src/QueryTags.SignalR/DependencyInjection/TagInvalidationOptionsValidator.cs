using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>Refuses options that cannot work, at start-up rather than on the first subscribe.</summary>
internal sealed class TagInvalidationOptionsValidator : IValidateOptions<TagInvalidationOptions>
{
    public ValidateOptionsResult Validate(string? name, TagInvalidationOptions options)
    {
        var failures = new List<string>();
        Positive(nameof(options.MaxSegmentsPerTag), options.MaxSegmentsPerTag);
        Positive(nameof(options.MaxSegmentLength), options.MaxSegmentLength);
        Positive(nameof(options.MaxTagsPerCall), options.MaxTagsPerCall);
        Positive(nameof(options.MaxTagsPerConnection), options.MaxTagsPerConnection);
        Positive(nameof(options.MaxGroupDepth), options.MaxGroupDepth);
        Positive(nameof(options.LogCapacity), options.LogCapacity);
        Positive(nameof(options.MaxGroupsPerConnection), options.MaxGroupsPerConnection);
        Positive(nameof(options.MaxTagTextPerConnection), options.MaxTagTextPerConnection);
        Positive(nameof(options.MaxCallsPerSecond), options.MaxCallsPerSecond);
        Positive(nameof(options.MaxTagsPerSecond), options.MaxTagsPerSecond);
        if (options.MaxMessageSize < 1024)
        {
            failures.Add($"{nameof(TagInvalidationOptions)}.{nameof(options.MaxMessageSize)} must be at least 1,024 bytes; it is {options.MaxMessageSize}.");
        }

        if (options.MaxPublishBodySize < 1024)
        {
            failures.Add($"{nameof(TagInvalidationOptions)}.{nameof(options.MaxPublishBodySize)} must be at least 1,024 bytes; it is {options.MaxPublishBodySize}.");
        }

        if (options.HandshakeTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(TagInvalidationOptions)}.{nameof(options.HandshakeTimeout)} must be positive; it is {options.HandshakeTimeout}.");
        }
        if (options.DrainTimeout < TimeSpan.Zero || options.DrainTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{nameof(TagInvalidationOptions)}.{nameof(options.DrainTimeout)} must be between zero and 5 minutes (a stopping host waits this long at most); it is {options.DrainTimeout}.");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!AllowedOrigin.IsOrigin(origin))
            {
                failures.Add($"{nameof(TagInvalidationOptions)}.{nameof(options.AllowedOrigins)} holds '{origin}', which is not an origin: write scheme, host and port only, such as 'https://app.example.com'.");
            }
        }

        if (options.UnsentSendGrace < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{nameof(TagInvalidationOptions)}.{nameof(options.UnsentSendGrace)} must be at least 100 ms (sends take that long under load); it is {options.UnsentSendGrace}.");
        }

        if (options.RefetchSpread is { } spread && (spread < TimeSpan.Zero || spread > RefetchSpreadWindow.Longest))
        {
            failures.Add($"{nameof(TagInvalidationOptions)}.{nameof(options.RefetchSpread)} must be between zero (off) and 60 seconds (clients cut a longer window to that), or null for the default scaled to the connections; it is {spread}.");
        }

        if (options.RetentionWindow <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(TagInvalidationOptions)}.{nameof(options.RetentionWindow)} must be positive; it is {options.RetentionWindow}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(string property, int value)
        {
            if (value <= 0)
            {
                failures.Add($"{nameof(TagInvalidationOptions)}.{property} must be at least 1; it is {value}.");
            }
        }
    }
}
