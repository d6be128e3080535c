"""The `licet` Python module against real installations made and changed by the `licet` binary."""
import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest

import licet

CLI = os.path.join(os.environ["LICET_CLI_DIR"], "licet")
CATALOG = "windows-server-2022"


def run(root, *args):
    result = subprocess.run([CLI, *args, "--root", str(root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def root():
    path = tempfile.mkdtemp(prefix="licet-py-")
    run(path, "install", "--catalog", CATALOG, "--edition", "ServerStandardEval")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def wait_for(inst, predicate, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    st = inst.check()
    while not predicate(st):
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {st.explanation}"
        time.sleep(0.005)
        st = inst.check()
    return st


def test_an_evaluation_is_licensed_with_its_countdown_and_features(root):
    with licet.open(catalog=CATALOG, root=root) as inst:
        st = inst.check()
        assert st.status == "licensed" and st.coarse == "licensed"
        assert st.evaluation and st.edition == "ServerStandardEval"
        assert st.reason == 0x4004FC04 and st.reason_symbol == "SL_I_TIMEBASED_VALIDITY_PERIOD"
        assert abs(st.minutes_left - 180 * 24 * 60) <= 2
        assert "Hyper-V" in st.features
        assert inst.feature_enabled("Hyper-V")
        assert not inst.feature_enabled("Teleportation")
        with pytest.raises(licet.LicetError) as e:
            inst.check_feature("Teleportation")
        assert e.value.code == 0xA1CE000C and e.value.symbol == "LICET_E_FEATURE_NOT_ALLOWED"
        assert "Teleportation" in e.value.message


def test_the_expired_evaluation_shuts_down_on_its_deadline(root):
    with licet.open(catalog=CATALOG, root=root) as inst:
        run(root, "lab", "clock", "advance", "181d")
        st = wait_for(inst, lambda s: s.status == "notification", "notification")
        assert st.enforcement == "forced-shutdown" and st.reason == 0xC004FC07
        assert st.shutdown_interval_minutes == 60 and not st.shutdown_due
        run(root, "lab", "clock", "advance", "61m")
        st = wait_for(inst, lambda s: s.shutdown_due, "the shutdown deadline")
        assert st.coarse == "notification"


def test_a_conversion_is_applied_at_start_and_starts_the_grace(root):
    key = run(root, "lab", "key", "--edition", "ServerDatacenter", "--channel", "Retail").split()[0]
    subprocess.run([os.path.join(os.environ["LICET_CLI_DIR"], "dism"), "/online",
                    "/Set-Edition:ServerDatacenter", f"/ProductKey:{key}", "/AcceptEula"],
                   env={**os.environ, "LICET_ROOT": root}, check=True, capture_output=True)
    with licet.open(catalog=CATALOG, root=root) as inst:
        assert inst.check().pending_changes
        assert inst.apply_pending() == 1
        st = wait_for(inst, lambda s: s.edition == "ServerDatacenter", "the new edition")
        assert st.status == "initial_grace" and st.coarse == "grace"
        assert abs(st.minutes_left - 10 * 24 * 60) <= 2
        assert not st.pending_changes


def test_errors_raise_licet_error_with_code_and_fix():
    with pytest.raises(licet.LicetError) as e:
        licet.open(catalog=CATALOG, root="/nonexistent/licet")
    assert e.value.code == 0xA1CE0001
    assert "licet install" in e.value.message
    assert str(e.value).startswith("0xA1CE0001 LICET_E_NOT_INSTALLED")


def test_a_closed_installation_raises(root):
    inst = licet.open(catalog=CATALOG, root=root)
    inst.close()
    with pytest.raises(licet.LicetError):
        inst.check()


def test_an_edited_store_is_reported_as_tampered(root):
    with licet.open(catalog=CATALOG, root=root, watch=False) as inst:
        path = os.path.join(root, "store.json")
        text = open(path).read().replace('"rearm_remaining": 6', '"rearm_remaining": 9')
        open(path, "w").write(text)
        st = inst.check()
        assert st.tampered and st.reason == 0xA1CE0015 and st.status == "notification"


def test_without_the_watcher_a_recheck_interval_can_be_chosen(root):
    with licet.open(catalog=CATALOG, root=root, watch=False, recheck_seconds=1) as inst:
        assert inst.check().status == "licensed"
        time.sleep(1.1)  # the next check reloads (re-reads the hardware) and stays licensed
        assert inst.check().status == "licensed"
    with pytest.raises(TypeError):
        licet.open(catalog=CATALOG, root=root, recheck_seconds=-1)


def test_threads_share_one_installation(root):
    with licet.open(catalog=CATALOG, root=root) as inst:
        seen = set()
        errors = []

        def worker():
            try:
                for _ in range(2000):
                    seen.add(inst.check().status)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert seen == {"licensed"}
