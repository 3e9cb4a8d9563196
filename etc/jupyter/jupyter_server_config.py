"""Jupyter server settings for `make lab` (this folder is on JUPYTER_CONFIG_PATH only there)."""

c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file

# No calls home from a classroom: the course is offline (nothing is fetched at run time).
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
