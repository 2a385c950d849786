using System.Runtime.Versioning;
using OciBundle.Diagnostics;
using OciBundle.Request;
using OciBundle.Rootfs;
using OciBundle.Settings;
using OciBundle.Steps;
using OciBundle.Tests.Support;
using static OciBundle.Tests.Images.TestLayout;

namespace OciBundle.Tests.Images;

[UnsupportedOSPlatform("windows")]
public class ProcessDefaultsTests
{
    private static readonly object ImageConfig = new
    {
        Entrypoint = new[] { "/bin/sh", "-c" },
        Cmd = new[] { "echo from image" },
        Env = new[] { "A=image", "PATH=/image/bin:/bin", "B=image" },
        WorkingDir = "/work",
        User = "app",
    };

    /// <summary>The rootfs as the generator builds it: the base image's layers, then the plan.</summary>
    private static RootfsTree RootfsWithBaseImage(BundleSettings settings, string spool)
    {
        var tree = new RootfsTree();
        if (settings.BaseImage.Image is { } image)
        {
            OciBundle.Images.Layers.BaseImageLoader.Load(tree, image, spool, null, settings.Rootfs.BaseRootfsMaxSize);
        }

        return settings.Rootfs.Apply(tree, spool, null);
    }

    private static Spec.RuntimeSpec Build(TempDirectory temp, Action<BundleRequest>? edit = null)
    {
        var layout = new TestLayout(temp.Combine("img"));
        if (!File.Exists(Path.Combine(layout.Root, "index.json")))
        {
            var layer = layout.Layer(Tar("etc/", "etc/passwd=root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n", "etc/group=root:x:0:\n"));
            layout.Index(Entry(layout.Image([layer], config: ImageConfig)));
        }

        var request = new BundleRequest { ProjectDirectory = temp.Path }.With(SurfaceNames.BaseImage, "oci:img");
        edit?.Invoke(request);
        var bag = new DiagnosticBag();
        var reader = new RequestReader(request, bag);
        var (spec, _, settings) = SpecBuilder.Build(reader);
        Assert.DoesNotContain(bag.Items, d => d.Code.StartsWith("OCIB1", StringComparison.Ordinal) && d.Code.CompareTo("OCIB1100") >= 0 || d.Code.StartsWith("OCIB31", StringComparison.Ordinal));

        // The user name resolves through the image's own /etc/passwd once the layers are in the tree.
        var tree = RootfsWithBaseImage(settings, temp.Combine("spool-" + Guid.NewGuid().ToString("N")));
        AccountResolver.Resolve(bag, settings, spec, tree);
        return spec;
    }

    [Fact]
    public void The_image_config_gives_the_process_its_defaults()
    {
        using var temp = new TempDirectory();
        var spec = Build(temp);
        Assert.Equal(["/bin/sh", "-c", "echo from image"], spec.Process.Args);
        Assert.Equal(["PATH=/image/bin:/bin", "A=image", "B=image"], spec.Process.Env);
        Assert.Equal("/work", spec.Process.Cwd);
        Assert.Equal(1000u, spec.Process.User.Uid);
        Assert.Equal(1001u, spec.Process.User.Gid);
    }

    [Fact]
    public void Project_settings_win_and_environment_entries_override_by_name()
    {
        using var temp = new TempDirectory();
        var spec = Build(temp, r => r
            .With(SurfaceNames.WorkingDirectory, "/elsewhere")
            .With(SurfaceNames.User, "0:0")
            .WithItem(SurfaceNames.EnvironmentVariable, "B", ("Value", "project"))
            .WithItem(SurfaceNames.EnvironmentVariable, "C", ("Value", "project")));
        Assert.Equal(["PATH=/image/bin:/bin", "A=image", "B=project", "C=project"], spec.Process.Env);
        Assert.Equal("/elsewhere", spec.Process.Cwd);
        Assert.Equal(0u, spec.Process.User.Uid);
    }

    [Fact]
    public void A_project_entrypoint_drops_the_image_Cmd_and_args_alone_replace_it()
    {
        using var temp = new TempDirectory();
        Assert.Equal(["/bin/echo"], Build(temp, r => r.WithItem(SurfaceNames.Entrypoint, "/bin/echo")).Process.Args);
        Assert.Equal(["/bin/echo", "x"], Build(temp, r => r.WithItem(SurfaceNames.Entrypoint, "/bin/echo").WithItem(SurfaceNames.Args, "x")).Process.Args);
        Assert.Equal(["/bin/sh", "-c", "echo mine"], Build(temp, r => r.WithItem(SurfaceNames.Args, "echo mine")).Process.Args);
    }

    [Fact]
    public void Without_a_PATH_in_the_image_ours_comes_first()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("a=1"));
        layout.Index(Entry(layout.Image([layer], config: new { Env = new[] { "X=1" } })));
        var spec = Build(temp);
        Assert.Equal(["PATH=" + SpecVocabulary.DefaultPath, "X=1"], spec.Process.Env);
        Assert.Equal("/", spec.Process.Cwd);
    }

    [Theory]
    [InlineData("1000", "", 1000u, 1001u)] // in /etc/passwd: its group, as Docker does
    [InlineData("1000:5", "", 1000u, 5u)] // a group written wins
    [InlineData("4242", "", 4242u, 0u)] // not in /etc/passwd: 0
    [InlineData("1000", "1000", 1000u, 0u)] // OciUser's uid alone stays gid 0 (runc's rule)
    public void A_numeric_image_user_takes_its_group_from_the_images_passwd(string imageUser, string ociUser, uint uid, uint gid)
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("etc/", "etc/passwd=root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\nalias:x:1000:7::/:/bin/sh\n"));
        layout.Index(Entry(layout.Image([layer], config: new { User = imageUser })));
        var spec = Build(temp, ociUser.Length > 0 ? r => r.With(SurfaceNames.User, ociUser) : null);
        Assert.Equal((uid, gid), (spec.Process.User.Uid, spec.Process.User.Gid));
    }

    [Fact]
    public void A_numeric_image_user_without_an_etc_passwd_is_gid_0()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        layout.Index(Entry(layout.Image([layout.Layer(Tar("a=1"))], config: new { User = "1000" })));
        var spec = Build(temp);
        Assert.Equal((1000u, 0u), (spec.Process.User.Uid, spec.Process.User.Gid));
    }

    [Fact]
    public void An_image_user_the_image_lacks_is_OCIB3117_at_the_base_image()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("etc/", "etc/passwd=root:x:0:0::/:/bin/sh\n"));
        layout.Index(Entry(layout.Image([layer], config: new { User = "ghost" })));
        var request = new BundleRequest { ProjectDirectory = temp.Path }.With(SurfaceNames.BaseImage, "oci:img");
        var bag = new DiagnosticBag();
        var reader = new RequestReader(request, bag);
        var (spec, _, settings) = SpecBuilder.Build(reader);
        AccountResolver.Resolve(bag, settings, spec, RootfsWithBaseImage(settings, temp.Combine("spool")));
        var d = Assert.Single(bag.Items, d => d.Code == "OCIB3117");
        Assert.StartsWith("The image config's User (OciBaseImage oci:img) is 'ghost'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_user_that_runc_cannot_take_is_OCIB3113()
    {
        using var temp = new TempDirectory();
        var layout = new TestLayout(temp.Combine("img"));
        var layer = layout.Layer(Tar("a=1"));
        layout.Index(Entry(layout.Image([layer], config: new { User = "a:b:c" })));
        var request = new BundleRequest { ProjectDirectory = temp.Path }.With(SurfaceNames.BaseImage, "oci:img");
        var bag = new DiagnosticBag();
        SpecBuilder.Build(request, bag);
        Assert.Contains(bag.Items, d => d.Code == "OCIB3113" && d.Message.Contains("a:b:c", StringComparison.Ordinal));
    }
}
