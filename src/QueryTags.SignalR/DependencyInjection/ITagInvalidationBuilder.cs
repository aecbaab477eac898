namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Returned by <c>AddTagInvalidation</c>; add-ons such as <c>.AddSignalR()</c> chain on it.</summary>
public interface ITagInvalidationBuilder
{
    /// <summary>The services being configured.</summary>
    IServiceCollection Services { get; }
}
