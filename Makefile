# The two commands of the README, and a few helpers. Each target is one script.
.PHONY: demo test install kafka-start kafka-stop schemas tables classifier models eval bench soak ops lock audit

demo:        ## install, start Kafka and the worker, publish samples, show events
	scripts/demo

test:        ## lint, types, unit and integration tests against a real broker
	scripts/test

install:     ## venv, package, model, Kafka jars
	scripts/bootstrap

kafka-start:
	scripts/kafka start

kafka-stop:
	scripts/kafka stop

schemas:     ## regenerate schemas/ from the models
	.venv/bin/diplomatic-events schemas

lock:        ## re-lock the service's dependencies with hashes (requirements.lock)
	env -u PIP_FIND_LINKS .venv/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-find-links --output-file requirements.lock pyproject.toml

audit:       ## known vulnerabilities in requirements.lock (needs pypi.org's JSON API or osv.dev)
	.venv/bin/pip-audit -r requirements.lock --require-hashes --disable-pip

ops:         ## regenerate the dashboard JSON and the manifests derived from ops/
	.venv/bin/python scripts/build_dashboard.py
	.venv/bin/python scripts/build_k8s.py

tables:      ## regenerate service/data from the vendored sources in upstream/, then the actor patterns
	.venv/bin/python scripts/build_tables.py
	.venv/bin/python scripts/build_actor_patterns.py

classifier:  ## retrain the sentence classifier from service/data/training
	.venv/bin/python scripts/train_classifier.py

models:      ## retrain the event detector, role model and calibration from service/data/news (~30 s)
	.venv/bin/python scripts/train_models.py

bench:       ## throughput and latency (starts the local broker); report in bench-report/
	scripts/kafka start
	.venv/bin/diplomatic-events bench --out bench-report

soak:        ## 10 minutes at 80 % of saturation: RSS and lag flat? (not in CI); soak-report/
	scripts/soak --out soak-report

eval:        ## accuracy on PLOVER GSR, the written test set and the real-news test split (eval-report/)
	.venv/bin/diplomatic-events eval --out eval-report
