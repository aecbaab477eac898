namespace QueryTags.SignalR.Internal;

/// <summary>Registered by <c>AddTagInvalidation</c>, so mapping without it fails with a message that says what is missing.</summary>
internal sealed class TagInvalidationMarkerService
{
    public const string NotRegisteredMessage =
        "Tag invalidation services are not registered. Call 'services.AddTagInvalidation().AddSignalR()' in ConfigureServices (builder.Services) before 'app.MapTagInvalidation()'.";
}
