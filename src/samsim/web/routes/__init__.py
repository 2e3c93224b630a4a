"""The routes of ``samsim serve``, one router per subject; :func:`samsim.web.app.create_app` includes them.

- :mod:`.folder`: what the results folder is (``/api/info``) and its files (``/api/files``,
  ``/files/PATH``);
- :mod:`.run`: one run, the run folder or a study run re-simulated (``/api/replays/{rid}/...``);
- :mod:`.study`: a study's statistics and runs table (``/api/study/...``);
- :mod:`.replay`: re-simulating a study run for replay (``POST /api/study/runs/{group}/{run}/replay``);
- :mod:`.static`: the built front end, the page shown when it is not built, and 404 for the rest.
"""
