# Label Smoothing Lab: the app, pinned, as a non-root user, with a health check on Streamlit's own endpoint.
# Several of these behind nginx with sticky sessions: deploy/nginx.conf.template (README, Deployment).
#
#   docker build -t label-smoothing-lab .
#   docker run -p 8501:8501 label-smoothing-lab
FROM python:3.11.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# one BLAS thread: a server of many small sessions gains nothing from a threaded BLAS and loses a core to it
# (the app also sets this itself before NumPy loads: pages/ui/process.py)
ENV OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

RUN useradd --create-home --uid 10001 lab
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=lab:lab app.py ./
COPY --chown=lab:lab .streamlit ./.streamlit
COPY --chown=lab:lab lsr_core ./lsr_core
COPY --chown=lab:lab pages ./pages
COPY --chown=lab:lab assets/i18n ./assets/i18n
COPY --chown=lab:lab assets/icon.png ./assets/icon.png
COPY --chown=lab:lab assets/digits.npz ./assets/digits.npz
COPY --chown=lab:lab assets/distillation_reference.json ./assets/distillation_reference.json

USER lab
EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2).read() != b'ok')"
# inside the container the app must listen on every interface; the host decides what is published
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0", "--server.headless", "true"]
